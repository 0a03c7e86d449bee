package io.gantry.common.coord;

import io.gantry.common.ZoneState;
import java.time.Instant;
import java.util.UUID;

/**
 * How a task ended on the node. {@code state} is the zone's state afterwards ({@code deleted} after
 * a delete); {@code ip} its address; {@code error} says why when {@code ok} is false; {@code exported}, of an
 * EXPORT task, where the disk is offered; {@code image}, of an IMAGE_CREATE task, the image file the node made and
 * uploaded to an image store; {@code snapshotBytes}, of a SNAPSHOT_CREATE task, the disk the snapshot takes.
 */
public record TaskResult(UUID taskId, UUID machine, boolean ok, ZoneState state, String ip, String error, Instant finished,
                         ExportedDisk exported, MadeImage image, Long snapshotBytes) {

    /** An image file made from a zone: the sha256 of the file (the image's node id) and its size. */
    public record MadeImage(String digest, long sizeBytes) {
    }

    public TaskResult(UUID taskId, UUID machine, boolean ok, ZoneState state, String ip, String error, Instant finished,
                      ExportedDisk exported) {
        this(taskId, machine, ok, state, ip, error, finished, exported, null, null);
    }

    public TaskResult(UUID taskId, UUID machine, boolean ok, ZoneState state, String ip, String error, Instant finished) {
        this(taskId, machine, ok, state, ip, error, finished, null);
    }
}
