package io.gantry.metering.store;

import io.gantry.common.GantryException;
import io.gantry.common.limits.ProvisionLimit;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import org.hibernate.reactive.stage.Stage;

/**
 * Accounts' provisioning limits, in the cloud API's own {@code provision_limits} table, which its
 * admission reads. Every change holds the account's row lock, the one the cloud API holds while it
 * admits and inserts a machine, so a limit change and a concurrent create are serialized: the create
 * is checked against the old limit or the new one, never half of each.
 */
public final class LimitStore {
    /**
     * The cloud API locks with Hibernate's PESSIMISTIC_WRITE, which on PostgreSQL is {@code for no key
     * update}; taking the same mode conflicts with it without blocking inserts that merely reference
     * the account.
     */
    private static final String LOCK_ACCOUNT = """
            select cast(id as text), login from accounts where id = cast(cast(?1 as text) as uuid) for no key update""";

    private static final String LIST = """
            select by_what, value, check_what, check_value from provision_limits
            where account_id = cast(cast(?1 as text) as uuid)
            order by by_what, check_what nulls first, check_value nulls first""";

    /** Matches one scope; a scope without a check is passed as empty strings (no null parameters to type). */
    private static final String DELETE = """
            delete from provision_limits
            where account_id = cast(cast(?1 as text) as uuid) and by_what = ?2 and coalesce(check_what, '') = ?3
                and coalesce(check_value, '') = ?4""";

    private static final String INSERT = """
            insert into provision_limits (id, account_id, by_what, value, check_what, check_value)
            values (cast(cast(?1 as text) as uuid), cast(cast(?2 as text) as uuid), ?3, ?4, nullif(?5, ''), nullif(?6, ''))""";

    private final Stage.SessionFactory sessions;

    public LimitStore(MeteringDatabase db) {
        this.sessions = db.sessions();
    }

    /** The account's limits, by {@code by} and then by check (unscoped first). */
    public CompletionStage<List<ProvisionLimit>> list(Account account) {
        return sessions.withStatelessSession(s -> Sql.rows(s, LIST, account.id()).thenApply(rows -> rows.stream()
                .map(r -> new ProvisionLimit(ProvisionLimit.By.fromWire(Sql.str(r[0])), Sql.lng(r[1]),
                        ProvisionLimit.Check.fromWire(Sql.str(r[2])), Sql.str(r[3])))
                .toList()));
    }

    /** Creates the limit, or replaces the account's limit of the same scope. */
    public CompletionStage<ProvisionLimit> put(Account account, ProvisionLimit limit) {
        return sessions.withStatelessTransaction(s -> lock(s, account)
                .thenCompose(v -> delete(s, account, limit.scope()))
                .thenCompose(v -> Sql.update(s, INSERT, UUID.randomUUID().toString(), account.id(), limit.by().wireName(), limit.value(),
                        limit.check() == null ? "" : limit.check().wireName(), limit.checkValue() == null ? "" : limit.checkValue()))
                .thenApply(v -> limit));
    }

    /** Deletes the account's limit of that scope; false if it had none. */
    public CompletionStage<Boolean> delete(Account account, ProvisionLimit.Scope scope) {
        return sessions.withStatelessTransaction(s -> lock(s, account).thenCompose(v -> delete(s, account, scope)).thenApply(n -> n > 0));
    }

    private static CompletionStage<Integer> delete(Stage.StatelessSession s, Account account, ProvisionLimit.Scope scope) {
        return Sql.update(s, DELETE, account.id(), scope.by().wireName(), scope.check() == null ? "" : scope.check().wireName(),
                scope.checkValue() == null ? "" : scope.checkValue());
    }

    private static CompletionStage<Void> lock(Stage.StatelessSession s, Account account) {
        return Sql.rows(s, LOCK_ACCOUNT, account.id()).thenApply(rows -> {
            if (rows.isEmpty()) {
                throw GantryException.notFound("account " + account.login() + " not found");
            }
            return null;
        });
    }
}
