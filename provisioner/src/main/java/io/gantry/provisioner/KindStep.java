package io.gantry.provisioner;

import io.gantry.common.JobKind;

/**
 * Moves on every open job of one kind, whatever its state: a job of several tasks (an evacuation) that the
 * one-task steps ({@link JobStep}) cannot carry. Like them, it commits each step before the next and is safe to
 * repeat after a leader change.
 */
interface KindStep {
    JobKind kind();

    void advance(OpenJob job) throws Exception;
}
