package io.gantry.common;

import io.gantry.common.coord.TaskKind;
import java.util.Locale;

/** Something a tenant (or metering, for THROTTLE and STOP) asks of a machine, which becomes a job and then one task on its node. */
public enum MachineAction {
    PROVISION(TaskKind.CREATE),
    START(TaskKind.START),
    STOP(TaskKind.STOP),
    REBOOT(TaskKind.REBOOT),
    RESIZE(TaskKind.RESIZE),
    /** Metering's budget enforcement: sets the zone's CPU cap to the machine's recorded throttle (or back to its package's). */
    THROTTLE(TaskKind.RESIZE),
    DELETE(TaskKind.DELETE);

    private final TaskKind task;

    MachineAction(TaskKind task) {
        this.task = task;
    }

    public TaskKind task() {
        return task;
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static MachineAction fromWire(String name) {
        for (MachineAction a : values()) {
            if (a.wireName().equals(name)) {
                return a;
            }
        }
        throw GantryException.invalid("unknown machine action '" + name + "'");
    }
}
