package io.gantry.cloudapi.service;

import io.gantry.cloudapi.store.AccountRecord;
import io.gantry.cloudapi.store.MachineRecord;
import io.gantry.common.GantryException;
import io.gantry.common.JobKind;
import io.gantry.common.MachineLifecycle;
import io.gantry.common.ZoneState;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import org.hibernate.LockMode;
import org.hibernate.reactive.stage.Stage;

/** The caller's own machines, as requests on a machine's parts (NICs, snapshots) find them. */
final class CallerMachines {
    private CallerMachines() {
    }

    /** The caller's machine; another account's, a deleted one or none at all is "not found" alike. */
    static CompletionStage<MachineRecord> owned(Stage.Session s, Caller caller, UUID id, LockMode lock) {
        return s.find(MachineRecord.class, id, lock).thenApply(m -> {
            if (m == null || !m.accountId.equals(caller.account().id) || ZoneState.DELETED.wireName().equals(m.state)) {
                throw GantryException.notFound("machine " + id + " not found");
            }
            return m;
        });
    }

    /**
     * The caller's machine, locked after its account (the order every writer takes them), in a state where {@code kind}
     * may be asked of it (else InvalidState, as {@link MachineLifecycle} says).
     */
    static CompletionStage<MachineRecord> changing(Stage.Session s, Caller caller, UUID machine, JobKind kind) {
        return s.find(AccountRecord.class, caller.account().id, LockMode.PESSIMISTIC_WRITE)
                .thenCompose(a -> owned(s, caller, machine, LockMode.PESSIMISTIC_WRITE))
                .thenApply(m -> {
                    MachineLifecycle.request(kind, ZoneState.fromWire(m.state), m.deletionProtection);
                    return m;
                });
    }
}
