package io.gantry.common.coord;

import io.gantry.common.ZoneState;
import java.time.Instant;
import java.util.UUID;

/**
 * How a task ended on the node. {@code state} is the zone's state afterwards ({@code deleted} after
 * a delete); {@code ip} its address; {@code error} says why when {@code ok} is false; {@code exported}, of an
 * EXPORT task, where the disk is offered.
 */
public record TaskResult(UUID taskId, UUID machine, boolean ok, ZoneState state, String ip, String error, Instant finished,
                         ExportedDisk exported) {

    public TaskResult(UUID taskId, UUID machine, boolean ok, ZoneState state, String ip, String error, Instant finished) {
        this(taskId, machine, ok, state, ip, error, finished, null);
    }
}
