package io.gantry.common.coord;

import io.gantry.common.ResourceUpdate;
import io.gantry.common.ZoneSpec;
import java.time.Instant;
import java.util.UUID;

/**
 * One unit of work for one node's agent. {@code id} is the job's id, so a task written twice (by a
 * new leader resuming a job) is the same task; the agent remembers finished ids and answers a
 * redelivered task with the result it already had. {@code spec} is set for PROVISION, {@code update}
 * for RESIZE, {@code graceSeconds} for STOP and REBOOT.
 */
public record NodeTask(UUID id, TaskKind kind, UUID machine, ZoneSpec spec, ResourceUpdate update, Integer graceSeconds,
                       Instant issued) {
}
