package io.gantry.cloudapi.service;

import io.gantry.cloudapi.store.AccountRecord;
import io.gantry.cloudapi.store.Database;
import io.gantry.cloudapi.store.LimitRecord;
import io.gantry.common.ErrorCode;
import io.gantry.common.GantryException;
import io.gantry.common.limits.ProvisionLimit;
import io.vertx.core.Future;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import org.hibernate.LockMode;
import org.hibernate.reactive.stage.Stage;

/**
 * Operators set, list and remove an account's provisioning limits, the ones {@link MachineService}
 * admits machines by. A change takes the account's row lock exactly as admission does (the same
 * {@code find} with {@link LockMode#PESSIMISTIC_WRITE}), so a limit change and a concurrent create
 * are serialized: the create is checked against the old limits or the new ones, never half of each.
 */
public final class LimitService {
    private static final Comparator<ProvisionLimit> ORDER = Comparator.comparing((ProvisionLimit l) -> l.by().wireName())
            .thenComparing(l -> l.check() == null ? "" : l.check().wireName())
            .thenComparing(l -> l.checkValue() == null ? "" : l.checkValue());

    private final Stage.SessionFactory sessions;

    public LimitService(Database db) {
        this.sessions = db.sessions();
    }

    /** The account's limits, by {@code by} and then by check (unscoped first). */
    public Future<List<ProvisionLimit>> list(Caller operator, String account) {
        return Futures.of(sessions.withSession(s -> {
            requireOperator(operator);
            return accountId(s, account).thenCompose(id -> limits(s, id));
        }));
    }

    /** Creates the limit, or replaces the account's limit of the same scope. */
    public Future<ProvisionLimit> put(Caller operator, String account, ProvisionLimit limit) {
        return Futures.of(sessions.withTransaction((s, tx) -> {
            requireOperator(operator);
            return locked(s, account).thenCompose(id -> delete(s, id, limit.scope()).thenCompose(n -> {
                LimitRecord r = new LimitRecord();
                r.id = UUID.randomUUID();
                r.accountId = id;
                r.by = limit.by().wireName();
                r.value = limit.value();
                r.check = limit.check() == null ? null : limit.check().wireName();
                r.checkValue = limit.checkValue();
                return s.persist(r);
            })).thenApply(v -> limit);
        }));
    }

    /** Removes the account's limit of that scope; ResourceNotFound if it has none. */
    public Future<Void> delete(Caller operator, String account, ProvisionLimit.Scope scope) {
        return Futures.of(sessions.withTransaction((s, tx) -> {
            requireOperator(operator);
            return locked(s, account).thenCompose(id -> delete(s, id, scope)).thenApply(n -> {
                if (n == 0) {
                    throw GantryException.notFound("account " + account + " has no " + scope.describe());
                }
                return null;
            });
        }));
    }

    private static void requireOperator(Caller caller) {
        if (!caller.operator()) {
            throw new GantryException(ErrorCode.NotAuthorized, caller.account().login + " is not an operator");
        }
    }

    /** The account's id, found by login or by id; ResourceNotFound when there is none. */
    private static CompletionStage<UUID> accountId(Stage.Session s, String account) {
        return s.createSelectionQuery("select a.id from AccountRecord a where a.deletedAt is null and (a.login = :l or cast(a.id as String) = :l)", UUID.class)
                .setParameter("l", account)
                .getResultList()
                .thenApply(ids -> ids.stream().findFirst().orElseThrow(() -> GantryException.notFound("account " + account + " not found")));
    }

    /** The account's id, with its row locked as {@link MachineService#create} locks it. */
    private static CompletionStage<UUID> locked(Stage.Session s, String account) {
        return accountId(s, account).thenCompose(id -> s.find(AccountRecord.class, id, LockMode.PESSIMISTIC_WRITE)).thenApply(a -> {
            if (a == null) {
                throw GantryException.notFound("account " + account + " not found");
            }
            return a.id;
        });
    }

    private static CompletionStage<List<ProvisionLimit>> limits(Stage.Session s, UUID accountId) {
        return s.createSelectionQuery("from LimitRecord where accountId = :a", LimitRecord.class)
                .setParameter("a", accountId)
                .getResultList()
                .thenApply(rows -> rows.stream().map(MachineService::toLimit).sorted(ORDER).toList());
    }

    private static CompletionStage<Integer> delete(Stage.Session s, UUID accountId, ProvisionLimit.Scope scope) {
        return s.createMutationQuery("delete from LimitRecord l where l.accountId = :a and l.by = :b"
                        + " and coalesce(l.check, '') = :c and coalesce(l.checkValue, '') = :v")
                .setParameter("a", accountId)
                .setParameter("b", scope.by().wireName())
                .setParameter("c", scope.check() == null ? "" : scope.check().wireName())
                .setParameter("v", scope.checkValue() == null ? "" : scope.checkValue())
                .executeUpdate();
    }
}
