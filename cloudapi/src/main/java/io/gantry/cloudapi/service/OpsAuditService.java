package io.gantry.cloudapi.service;

import io.gantry.cloudapi.store.Database;
import io.gantry.cloudapi.store.OpsAuditRecord;
import io.vertx.core.Future;
import java.util.List;
import java.util.Map;
import org.hibernate.reactive.stage.Stage;

/**
 * The operators' audit log: one entry per operator action that changes something, written after the action with
 * its outcome, in a transaction of its own (so a refused action is logged though it changed nothing).
 */
public final class OpsAuditService {
    private final Stage.SessionFactory sessions;

    public OpsAuditService(Database db) {
        this.sessions = db.sessions();
    }

    /** Records the action; {@code error} is null when it succeeded. */
    public Future<Void> record(Caller operator, String action, String target, Map<String, Object> params, String error) {
        OpsAuditRecord r = new OpsAuditRecord();
        r.time = MachineService.now();
        r.operator = operator.account().login;
        r.action = action;
        r.target = target;
        r.params = JsonText.write(params == null ? Map.of() : params);
        r.success = error == null;
        r.error = error;
        return Futures.of(sessions.withTransaction((s, tx) -> s.persist(r)));
    }

    /** The newest {@code limit} entries, newest first. */
    public Future<List<OpsAuditRecord>> list(Caller operator, int limit) {
        if (!operator.operator()) {
            return Future.failedFuture(new io.gantry.common.GantryException(io.gantry.common.ErrorCode.NotAuthorized,
                    operator.account().login + " is not an operator"));
        }
        return Futures.of(sessions.withSession(s -> s.createSelectionQuery("from OpsAuditRecord order by time desc, id desc", OpsAuditRecord.class)
                .setMaxResults(limit)
                .getResultList()));
    }
}
