package io.gantry.agent.coord;

import io.gantry.agent.ZoneBackend;
import io.gantry.agent.image.ImageMaker;
import io.gantry.agent.move.ZoneMover;
import io.gantry.common.ErrorCode;
import io.gantry.common.GantryException;
import io.gantry.common.Zone;
import io.gantry.common.ZoneSpec;
import io.gantry.common.ZoneState;
import io.gantry.common.coord.ExportedDisk;
import io.gantry.common.coord.NodeTask;
import io.gantry.common.coord.TaskResult;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Does one {@link NodeTask} with the zone backend and says how it ended. A task that fails is a
 * result with {@code ok=false}, never an exception.
 */
public final class TaskExecutor {
    public static final Duration DEFAULT_GRACE = Duration.ofSeconds(30);
    private static final Logger LOG = LoggerFactory.getLogger(TaskExecutor.class);

    private final ZoneBackend backend;
    private final ZoneMover mover;
    private final ImageMaker images;
    private final Clock clock;

    public TaskExecutor(ZoneBackend backend, Clock clock) {
        this(backend, ZoneMover.NONE, clock);
    }

    /** {@code mover} carries out the tasks of an evacuation (EXPORT, IMPORT, RELEASE). */
    public TaskExecutor(ZoneBackend backend, ZoneMover mover, Clock clock) {
        this(backend, mover, ImageMaker.NONE, clock);
    }

    /** {@code images} makes the images of IMAGE_CREATE tasks. */
    public TaskExecutor(ZoneBackend backend, ZoneMover mover, ImageMaker images, Clock clock) {
        this.backend = backend;
        this.mover = mover;
        this.images = images;
        this.clock = clock;
    }

    public TaskResult execute(NodeTask task) {
        UUID machine = task.machine() != null ? task.machine() : task.spec() != null ? task.spec().uuid() : null;
        try {
            if (task.kind() == null) {
                throw GantryException.invalid("task " + task.id() + " has no kind");
            }
            if (machine == null) {
                throw GantryException.invalid("task " + task.id() + " names no machine");
            }
            return switch (task.kind()) {
                case PROVISION -> outcome(task, machine, backend.create(specOf(task, machine)));
                case START -> outcome(task, machine, backend.start(machine));
                case STOP -> outcome(task, machine, backend.stop(machine, grace(task)));
                case REBOOT -> outcome(task, machine, backend.reboot(machine, grace(task)));
                case RESIZE -> {
                    if (task.update() == null) {
                        throw GantryException.invalid("resize task " + task.id() + " has no update");
                    }
                    yield outcome(task, machine, backend.update(machine, task.update()));
                }
                case DELETE -> delete(task, machine);
                case EXPORT -> export(task, machine);
                case IMPORT -> {
                    if (task.move() == null) {
                        throw GantryException.invalid("import task " + task.id() + " has no move");
                    }
                    yield outcome(task, machine, mover.receive(specOf(task, machine), task.move()));
                }
                case RELEASE -> {
                    mover.release(machine);
                    yield outcome(task, machine, backend.get(machine));
                }
                case UPDATE_NICS -> outcome(task, machine, backend.updateNics(specOf(task, machine)));
                case SNAPSHOT_CREATE -> {
                    long bytes = backend.createSnapshot(machine, snapshotOf(task));
                    Zone zone = backend.get(machine);
                    yield new TaskResult(task.id(), machine, true, zone.state(), zone.ip(), null, clock.instant(), null, null, bytes);
                }
                case SNAPSHOT_DELETE -> {
                    backend.deleteSnapshot(machine, snapshotOf(task));
                    yield outcome(task, machine, backend.get(machine));
                }
                case SNAPSHOT_ROLLBACK -> outcome(task, machine, backend.startFromSnapshot(machine, snapshotOf(task), grace(task)));
                case IMAGE_CREATE -> {
                    TaskResult.MadeImage made = images.make(machine);
                    Zone zone = backend.get(machine);
                    yield new TaskResult(task.id(), machine, true, zone.state(), zone.ip(), null, clock.instant(), null, made, null);
                }
            };
        } catch (RuntimeException e) {
            if (!(e instanceof GantryException)) {
                LOG.warn("task {} ({} of zone {}) failed unexpectedly", task.id(), task.kind(), machine, e);
            }
            Optional<Zone> zone = currentZone(machine);
            String why = e.getMessage() != null ? e.getMessage() : e.toString();
            return new TaskResult(task.id(), machine, false, zone.map(Zone::state).orElse(null), zone.map(Zone::ip).orElse(null),
                    why, clock.instant());
        }
    }

    private static ZoneSpec specOf(NodeTask task, UUID machine) {
        if (task.spec() == null) {
            throw GantryException.invalid(task.kind().name().toLowerCase() + " task " + task.id() + " has no zone spec");
        }
        if (!task.spec().uuid().equals(machine)) {
            throw GantryException.invalid(task.kind().name().toLowerCase() + " task " + task.id() + " is for machine " + machine
                    + " but its spec is for " + task.spec().uuid());
        }
        return task.spec();
    }

    private static String snapshotOf(NodeTask task) {
        if (task.snapshot() == null || task.snapshot().isBlank()) {
            throw GantryException.invalid(task.kind().name().toLowerCase() + " task " + task.id() + " names no snapshot");
        }
        return task.snapshot();
    }

    private static Duration grace(NodeTask task) {
        return task.graceSeconds() == null ? DEFAULT_GRACE : Duration.ofSeconds(Math.max(0, task.graceSeconds()));
    }

    private TaskResult outcome(NodeTask task, UUID machine, Zone zone) {
        boolean ok = zone.state() != ZoneState.FAILED;
        return new TaskResult(task.id(), machine, ok, zone.state(), zone.ip(), ok ? null : zone.reason(), clock.instant());
    }

    private TaskResult export(NodeTask task, UUID machine) {
        if (task.move() == null || task.move().token() == null) {
            throw GantryException.invalid("export task " + task.id() + " has no token");
        }
        ExportedDisk disk = mover.export(machine, task.move().token());
        Zone zone = backend.get(machine);
        return new TaskResult(task.id(), machine, true, zone.state(), zone.ip(), null, clock.instant(), disk);
    }

    /** A zone that is not there is as deleted as it gets: success. An offer of its disk goes with it. */
    private TaskResult delete(NodeTask task, UUID machine) {
        mover.release(machine);
        if (backend.find(machine).isPresent()) {
            try {
                backend.delete(machine);
            } catch (GantryException e) {
                if (e.code() != ErrorCode.ResourceNotFound) {
                    throw e;
                }
            }
        }
        return new TaskResult(task.id(), machine, true, ZoneState.DELETED, null, null, clock.instant());
    }

    private Optional<Zone> currentZone(UUID machine) {
        if (machine == null) {
            return Optional.empty();
        }
        try {
            return backend.find(machine);
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }
}
