package io.gantry.record;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.hibernate.reactive.stage.Stage;

/**
 * {@link SqlSession} over a Hibernate Reactive session, so the ledger's statements join the
 * caller's own transaction (the cloud API's, metering's). Arguments bind by position as given.
 */
public final class HibernateSql implements SqlSession {
    private final Stage.QueryProducer queries;
    private final Supplier<CompletionStage<Void>> beforeEach;

    private HibernateSql(Stage.QueryProducer queries, Supplier<CompletionStage<Void>> beforeEach) {
        this.queries = queries;
        this.beforeEach = beforeEach;
    }

    /**
     * Over a session with managed entities. Each statement first flushes it: native SQL does not see
     * entity changes still pending in the session, such as the machine row a queued job refers to.
     */
    public static SqlSession of(Stage.Session session) {
        return new HibernateSql(session, session::flush);
    }

    public static SqlSession of(Stage.StatelessSession session) {
        return new HibernateSql(session, () -> CompletableFuture.completedStage(null));
    }

    @Override
    public CompletionStage<Integer> update(String sql, Object... args) {
        return beforeEach.get().thenCompose(v -> {
            var q = queries.createNativeMutationQuery(sql);
            for (int i = 0; i < args.length; i++) {
                q.setParameter(i + 1, args[i]);
            }
            return q.executeUpdate();
        });
    }

    @Override
    public CompletionStage<List<Object[]>> rows(String sql, Object... args) {
        return beforeEach.get().thenCompose(v -> {
            Stage.Query<Object> q = queries.createNativeQuery(sql);
            for (int i = 0; i < args.length; i++) {
                q.setParameter(i + 1, args[i]);
            }
            // a one-column query answers its values bare, not as arrays
            return q.getResultList().thenApply(rows -> rows.stream()
                    .map(r -> r instanceof Object[] columns ? columns : new Object[] {r})
                    .toList());
        });
    }
}
