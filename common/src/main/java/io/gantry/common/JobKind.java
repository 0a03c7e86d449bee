package io.gantry.common;

import io.gantry.common.coord.TaskKind;
import java.util.Locale;

/**
 * A job's kind: something a tenant (or metering, for THROTTLE and STOP, or an operator, for MIGRATE) asks of a machine. It is
 * recorded as a job ({@code jobs.action}, in its {@link #wireName}), then becomes one task of its
 * {@link #task() kind} on the machine's node. One operation, one name: PROVISION is the job, the
 * task and the audit entry.
 */
public enum JobKind {
    PROVISION(TaskKind.PROVISION),
    START(TaskKind.START),
    STOP(TaskKind.STOP),
    REBOOT(TaskKind.REBOOT),
    RESIZE(TaskKind.RESIZE),
    /** Metering's budget enforcement: sets the zone's CPU cap to the machine's recorded throttle (or back to its package's). */
    THROTTLE(TaskKind.RESIZE),
    DELETE(TaskKind.DELETE),
    /**
     * An operator's evacuation: a stopped machine moved to another node with its UUID, address and disk. Not one
     * task but three in turn ({@link TaskKind#EXPORT} on its node, {@link TaskKind#IMPORT} on the target, then the
     * source's copy deleted, or the export released if the import failed); {@link #task()} names the first.
     */
    MIGRATE(TaskKind.EXPORT),
    /** A NIC added or removed by the tenant: the node makes the zone's NICs those the record now has. */
    UPDATE_NICS(TaskKind.UPDATE_NICS),
    /** A tenant's snapshot of the machine's disk ({@code POST /:login/machines/:id/snapshots}). */
    SNAPSHOT_CREATE(TaskKind.SNAPSHOT_CREATE),
    SNAPSHOT_DELETE(TaskKind.SNAPSHOT_DELETE),
    /** Triton's StartMachineFromSnapshot: the disk rolled back to the snapshot (machine stopped), then started. */
    START_FROM_SNAPSHOT(TaskKind.SNAPSHOT_ROLLBACK),
    /** Triton's CreateImageFromMachine: an image of a stopped machine's root, for the tenant's own machines. */
    IMAGE_CREATE(TaskKind.IMAGE_CREATE);

    private final TaskKind task;

    JobKind(TaskKind task) {
        this.task = task;
    }

    public TaskKind task() {
        return task;
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static JobKind fromWire(String name) {
        for (JobKind a : values()) {
            if (a.wireName().equals(name)) {
                return a;
            }
        }
        throw GantryException.invalid("unknown machine action '" + name + "'");
    }
}
