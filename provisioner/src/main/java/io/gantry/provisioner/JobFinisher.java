package io.gantry.provisioner;

import io.gantry.common.ZoneState;
import io.gantry.common.coord.TaskResult;
import java.sql.SQLException;

/** Ends a job in the record (or, superseded by its machine's delete, before any node acted on it) and counts it. */
final class JobFinisher {
    private final JobRecords records;
    private final ProvisionerMetrics metrics;

    JobFinisher(JobRecords records, ProvisionerMetrics metrics) {
        this.records = records;
        this.metrics = metrics;
    }

    void finish(OpenJob job, ZoneState machineState, String ip, String error) throws SQLException {
        finish(job, machineState, ip, error, null);
    }

    /** As above, with the image the job's task made (IMAGE_CREATE). */
    void finish(OpenJob job, ZoneState machineState, String ip, String error, TaskResult.MadeImage image) throws SQLException {
        records.finish(job, machineState, ip, error, image);
        metrics.jobFinished(job.action().wireName(), error == null);
    }

    /** Ends a job its machine's delete supersedes before any node acted on it; false if the record did not take it. */
    boolean supersede(OpenJob job, String why) throws SQLException {
        boolean ended = records.supersede(job, why);
        if (ended) {
            metrics.jobSuperseded(job.action().wireName());
        }
        return ended;
    }
}
