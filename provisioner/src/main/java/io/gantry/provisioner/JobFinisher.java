package io.gantry.provisioner;

import io.gantry.common.ZoneState;
import java.sql.SQLException;

/** Ends a job in the record and counts it. */
final class JobFinisher {
    private final JobRecords records;
    private final ProvisionerMetrics metrics;

    JobFinisher(JobRecords records, ProvisionerMetrics metrics) {
        this.records = records;
        this.metrics = metrics;
    }

    void finish(OpenJob job, ZoneState machineState, String ip, String error) throws SQLException {
        records.finish(job, machineState, ip, error);
        metrics.jobFinished(job.action().wireName(), error == null);
    }
}
