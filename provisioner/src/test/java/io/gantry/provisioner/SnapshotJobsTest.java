package io.gantry.provisioner;

import static org.assertj.core.api.Assertions.assertThat;

import io.gantry.common.JobKind;
import io.gantry.common.JobState;
import io.gantry.common.ZoneState;
import io.gantry.common.coord.NodeTask;
import io.gantry.common.coord.TaskKind;
import io.gantry.common.coord.TaskResult;
import io.gantry.record.JobLedger;
import io.gantry.provisioner.placement.PlacedMachine;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Snapshot jobs go to the machine's node with the snapshot's name, and the size the node answers joins the job. */
class SnapshotJobsTest extends RigTest {
    private UUID machine;

    @BeforeEach
    void aRunningMachineOnCn1() throws Exception {
        rig.advertise("cn1", 4096);
        machine = rig.records.machine("db", ZoneState.RUNNING, "cn1", 1024, List.of());
        rig.cluster.book("cn1", new PlacedMachine(machine, "t", "db", Map.of(), 1024, 1024));
    }

    private NodeTask dispatched(UUID job) throws Exception {
        rig.place.advance(rig.records.job(job));
        return rig.task("cn1", job);
    }

    @Test
    void eachSnapshotJobCarriesTheSnapshotsName() throws Exception {
        for (var kind : Map.of(JobKind.SNAPSHOT_CREATE, TaskKind.SNAPSHOT_CREATE, JobKind.SNAPSHOT_DELETE, TaskKind.SNAPSHOT_DELETE,
                JobKind.START_FROM_SNAPSHOT, TaskKind.SNAPSHOT_ROLLBACK).entrySet()) {
            UUID job = rig.records.queue(kind.getKey(), machine, Map.of("name", "nightly"));
            NodeTask task = dispatched(job);
            assertThat(task.kind()).isEqualTo(kind.getValue());
            assertThat(task.snapshot()).isEqualTo("nightly");
            assertThat(task.machine()).isEqualTo(machine);
            rig.answer("cn1", job, StepRig.ok(job, machine, ZoneState.RUNNING, null));
            rig.collect.advance(rig.records.job(job));
            assertThat(rig.records.stateOf(job)).isEqualTo(JobState.SUCCEEDED);
        }
    }

    @Test
    void theSizeTheNodeAnswersJoinsTheJobAndTheMachineKeepsRunning() throws Exception {
        UUID job = rig.records.queue(JobKind.SNAPSHOT_CREATE, machine, Map.of("name", "big"));
        dispatched(job);
        rig.answer("cn1", job, new TaskResult(job, machine, true, ZoneState.RUNNING, null, null, Instant.now(), null, null, 4096L));
        rig.collect.advance(rig.records.job(job));
        assertThat(rig.records.stateOf(job)).isEqualTo(JobState.SUCCEEDED);
        assertThat(rig.records.job(job).params()).containsEntry(JobLedger.SNAPSHOT_BYTES_PARAM, 4096L).containsEntry("name", "big");
        assertThat(rig.records.machineRow(machine).state()).isEqualTo(ZoneState.RUNNING);
    }

    @Test
    void aRollbackThatFailedLeavesTheMachineAsTheNodeSaysAndTheErrorOnTheJob() throws Exception {
        UUID job = rig.records.queue(JobKind.START_FROM_SNAPSHOT, machine, Map.of("name", "gone"));
        dispatched(job);
        rig.answer("cn1", job, new TaskResult(job, machine, false, ZoneState.RUNNING, null, "zone has no snapshot 'gone'", Instant.now()));
        rig.collect.advance(rig.records.job(job));
        assertThat(rig.records.stateOf(job)).isEqualTo(JobState.FAILED);
        assertThat(rig.records.errorOf(job)).contains("no snapshot 'gone'");
        assertThat(rig.records.machineRow(machine).state()).isEqualTo(ZoneState.RUNNING);
    }
}
