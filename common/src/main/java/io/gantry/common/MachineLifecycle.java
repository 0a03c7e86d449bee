package io.gantry.common;

import io.gantry.common.coord.TaskResult;
import java.util.Optional;

/**
 * How a machine's state answers a tenant's request and a node's task result. Pure: the cloud API
 * asks it before queueing a job, the provisioner asks it when a task comes back.
 */
public final class MachineLifecycle {
    private MachineLifecycle() {
    }

    /** What a request does now. */
    public sealed interface Decision {
        /** Queue a job; the machine shows {@code shownState} until the task's result arrives. */
        record Queue(ZoneState shownState) implements Decision {
        }

        /** Nothing to do: the machine already is where the request would take it (a retried request). */
        record AlreadyDone() implements Decision {
        }
    }

    /** Whether {@code action} may be asked of a machine in {@code state}; refuses with InvalidState and a reason otherwise. */
    public static Decision request(JobKind action, ZoneState state, boolean deletionProtection) {
        if (state == ZoneState.DELETED) {
            throw GantryException.notFound("the machine has been deleted");
        }
        switch (action) {
            case DELETE -> {
                if (deletionProtection) {
                    throw GantryException.invalidState("deletion_protection is enabled on this machine; disable it first");
                }
                return new Decision.Queue(state);
            }
            case START -> {
                if (state == ZoneState.RUNNING) {
                    return new Decision.AlreadyDone();
                }
                requireSettled(action, state);
                return new Decision.Queue(state);
            }
            case STOP -> {
                if (state == ZoneState.STOPPED) {
                    return new Decision.AlreadyDone();
                }
                requireSettled(action, state);
                return new Decision.Queue(ZoneState.STOPPING);
            }
            case REBOOT, RESIZE, UPDATE_NICS, SNAPSHOT_CREATE, SNAPSHOT_DELETE, START_FROM_SNAPSHOT -> {
                requireSettled(action, state);
                return new Decision.Queue(state);
            }
            case IMAGE_CREATE -> {
                if (state != ZoneState.STOPPED) {
                    throw GantryException.invalidState("cannot create an image from a machine that is " + state.wireName()
                            + "; only a stopped machine's disk is made an image" + (state == ZoneState.RUNNING ? ": stop it first" : ""));
                }
                return new Decision.Queue(state);
            }
            case MIGRATE -> {
                if (state != ZoneState.STOPPED) {
                    throw GantryException.invalidState("cannot evacuate a machine that is " + state.wireName()
                            + "; only a stopped machine moves" + (state == ZoneState.RUNNING ? ": stop it first" : ""));
                }
                return new Decision.Queue(state);
            }
            default -> throw GantryException.invalid(action.wireName() + " is not a request on an existing machine");
        }
    }

    private static void requireSettled(JobKind action, ZoneState state) {
        if (state != ZoneState.RUNNING && state != ZoneState.STOPPED) {
            throw GantryException.invalidState("cannot " + action.wireName() + " a machine that is " + state.wireName()
                    + "; wait until it is running or stopped");
        }
        if (action == JobKind.REBOOT && state != ZoneState.RUNNING) {
            throw GantryException.invalidState("cannot reboot a machine that is " + state.wireName() + "; start it instead");
        }
    }

    /**
     * The machine's state after its node answered a task. A failed provision leaves the machine failed;
     * any other failed action leaves it as the node last saw it (or as it was, if the node could not tell).
     */
    public static ZoneState afterResult(JobKind action, ZoneState before, TaskResult result) {
        if (result.ok()) {
            return switch (action) {
                case DELETE -> ZoneState.DELETED;
                case STOP -> ZoneState.STOPPED;
                case PROVISION, START, REBOOT, START_FROM_SNAPSHOT -> Optional.ofNullable(result.state()).orElse(ZoneState.RUNNING);
                case RESIZE, THROTTLE, UPDATE_NICS, SNAPSHOT_CREATE, SNAPSHOT_DELETE, IMAGE_CREATE -> Optional.ofNullable(result.state()).orElse(before);
                case MIGRATE -> before; // its steps settle the machine themselves (MigrateStep)
            };
        }
        if (action == JobKind.PROVISION) {
            return ZoneState.FAILED;
        }
        ZoneState seen = result.state();
        if (seen == null || seen == ZoneState.DELETED) {
            return before == ZoneState.STOPPING ? ZoneState.RUNNING : before;
        }
        return seen;
    }

    /**
     * The state a node's report implies for a machine that has no job in flight, or empty to leave it alone. A report
     * never moves a machine into {@code provisioning}: only a provision's job does that, and a report saying so is older
     * than that job's answer (the node took its snapshot while making the zone and wrote it after answering), which,
     * applied, would leave the machine provisioning for good, as reports do not settle a provisioning machine.
     */
    public static Optional<ZoneState> fromReport(ZoneState recorded, ZoneState reported) {
        if (recorded == ZoneState.DELETED || recorded == ZoneState.PROVISIONING || reported == null || reported == recorded
                || reported == ZoneState.PROVISIONING) {
            return Optional.empty();
        }
        return Optional.of(reported);
    }
}
