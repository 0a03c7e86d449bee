package io.gantry.common.coord;

/**
 * What a task asks an agent to do to one zone. EXPORT, IMPORT and RELEASE are the steps of an evacuation: the
 * source offers a stopped zone's disk, the target builds the zone from it, and the source withdraws the offer when
 * the move is given up (when it succeeds, the source's zone is deleted with DELETE). UPDATE_NICS carries the zone's
 * whole new spec: the agent makes the zone's NICs those of {@code spec.nics()}, adding the missing and removing others.
 * SNAPSHOT_CREATE, SNAPSHOT_DELETE and SNAPSHOT_ROLLBACK act on the zone's snapshot {@code NodeTask.snapshot}
 * (a rollback leaves the zone stopped, its disk as it was at the snapshot); IMAGE_CREATE makes an image file of a
 * stopped zone's root and uploads it to an image store.
 */
public enum TaskKind {
    PROVISION, START, STOP, REBOOT, RESIZE, DELETE, EXPORT, IMPORT, RELEASE, UPDATE_NICS,
    SNAPSHOT_CREATE, SNAPSHOT_DELETE, SNAPSHOT_ROLLBACK, IMAGE_CREATE
}
