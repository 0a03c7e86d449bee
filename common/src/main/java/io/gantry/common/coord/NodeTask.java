package io.gantry.common.coord;

import io.gantry.common.ResourceUpdate;
import io.gantry.common.ZoneSpec;
import java.time.Instant;
import java.util.UUID;

/**
 * One unit of work for one node's agent. {@code id} is the job's id, so a task written twice (by a
 * new leader resuming a job) is the same task; the agent remembers finished ids and answers a
 * redelivered task with the result it already had. {@code spec} is set for PROVISION, {@code update}
 * for RESIZE, {@code graceSeconds} for STOP and REBOOT, {@code move} for EXPORT and IMPORT (which also has
 * {@code spec}), {@code snapshot} (the snapshot's name) for SNAPSHOT_CREATE, SNAPSHOT_DELETE and SNAPSHOT_ROLLBACK.
 * IMAGE_CREATE has {@code spec} (the machine's) and no more: the agent answers with the image it made.
 * The tasks of an evacuation are several for one job, so they are named by {@link #stepId}.
 */
public record NodeTask(UUID id, TaskKind kind, UUID machine, ZoneSpec spec, ResourceUpdate update, Integer graceSeconds,
                       Instant issued, ZoneMove move, String snapshot) {

    public NodeTask(UUID id, TaskKind kind, UUID machine, ZoneSpec spec, ResourceUpdate update, Integer graceSeconds,
                    Instant issued, ZoneMove move) {
        this(id, kind, machine, spec, update, graceSeconds, issued, move, null);
    }

    public NodeTask(UUID id, TaskKind kind, UUID machine, ZoneSpec spec, ResourceUpdate update, Integer graceSeconds,
                    Instant issued) {
        this(id, kind, machine, spec, update, graceSeconds, issued, null);
    }

    /**
     * The id of one step of a job that has several tasks (an evacuation's export, import, release, delete): the
     * same for the same job and step, so a leader that writes it again writes the same task, and distinct per step,
     * so the agent's memory of finished tasks tells them apart.
     */
    public static UUID stepId(UUID job, String step) {
        return UUID.nameUUIDFromBytes((job + "/" + step).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
