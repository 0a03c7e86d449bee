package io.gantry.provisioner;

import io.gantry.common.JobState;

/**
 * Moves a job on from one {@link JobState}. A step commits what it did to the record before the next
 * step starts, and is safe to repeat: after a leader change (or an error) the next leader runs it
 * again from what the record says.
 */
interface JobStep {
    /** The state of the jobs this step moves on. */
    JobState from();

    void advance(OpenJob job) throws Exception;
}
