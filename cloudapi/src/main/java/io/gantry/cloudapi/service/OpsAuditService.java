package io.gantry.cloudapi.service;

import io.gantry.cloudapi.store.Database;
import io.gantry.cloudapi.store.OpsAuditRecord;
import io.gantry.common.ErrorCode;
import io.gantry.common.GantryException;
import io.vertx.core.Future;
import java.util.List;
import java.util.Map;
import org.hibernate.reactive.stage.Stage;

/**
 * The operators' audit log: one entry per operator action that changes something. The entry is committed before the
 * action runs ({@link #begin}, outcome {@code pending}) and its outcome set after it ({@link #settle}), each in a
 * transaction of its own: a refused action is logged though it changed nothing, and an action whose outcome was
 * never written (the cloud API died meanwhile) keeps its entry, {@code pending}.
 */
public final class OpsAuditService {
    public static final String PENDING = "pending";
    public static final String SUCCEEDED = "succeeded";
    public static final String FAILED = "failed";

    private final Stage.SessionFactory sessions;

    public OpsAuditService(Database db) {
        this.sessions = db.sessions();
    }

    /** Commits the entry of an action about to run, outcome {@code pending}; its id is {@link #settle}'s. */
    public Future<Long> begin(Caller operator, String action, String target, Map<String, Object> params) {
        OpsAuditRecord r = new OpsAuditRecord();
        r.time = MachineService.now();
        r.operator = operator.account().login;
        r.action = action;
        r.target = storable(target);
        r.params = JsonText.write(params == null ? Map.of() : params);
        r.outcome = PENDING;
        return Futures.of(sessions.withTransaction((s, tx) -> s.persist(r).thenApply(v -> r.id)));
    }

    /**
     * Sets the outcome of the entry {@link #begin} wrote: {@code error} is null when the action succeeded. The
     * parameters are written again, as the action may have learnt more of them (a parsed body) while it ran.
     */
    public Future<Void> settle(long entry, Map<String, Object> params, String error) {
        return Futures.of(sessions.withTransaction((s, tx) -> s.createMutationQuery(
                        "update OpsAuditRecord set outcome = :o, error = :e, params = :p where id = :id")
                .setParameter("o", error == null ? SUCCEEDED : FAILED)
                .setParameter("e", storable(error))
                .setParameter("p", JsonText.write(params == null ? Map.of() : params))
                .setParameter("id", entry)
                .executeUpdate()
                .thenAccept(n -> {
                    if (n != 1) {
                        throw GantryException.internal("operators' audit entry " + entry + " is gone");
                    }
                })));
    }

    /**
     * {@code text} as a text column can hold it: an operator's request may name a target with NUL characters (refused
     * by PostgreSQL), and its entry must be written all the same; they are kept as U+FFFD.
     */
    static String storable(String text) {
        return text == null ? null : text.replace('\u0000', '\uFFFD');
    }

    /** The newest {@code limit} entries, newest first. */
    public Future<List<OpsAuditRecord>> list(Caller operator, int limit) {
        if (!operator.operator()) {
            return Future.failedFuture(new GantryException(ErrorCode.NotAuthorized, operator.account().login + " is not an operator"));
        }
        return Futures.of(sessions.withSession(s -> s.createSelectionQuery("from OpsAuditRecord order by time desc, id desc", OpsAuditRecord.class)
                .setMaxResults(limit)
                .getResultList()));
    }
}
