package io.gantry.provisioner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.gantry.common.JobState;
import io.gantry.common.ZoneState;
import io.gantry.common.coord.TaskResult;
import io.gantry.provisioner.placement.PlacedMachine;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CollectStepTest extends RigTest {
    private UUID machine;
    private UUID job;

    /** Every test starts from a provision placed on cn1 and dispatched there, booked in the ledger. */
    @BeforeEach
    void aProvisionDispatchedToCn1() throws Exception {
        rig.advertise("cn1", 4096);
        machine = rig.records.newMachine("web", 1024, List.of());
        job = rig.records.queueProvision(machine);
        rig.records.markPlaced(job, machine, "cn1", Map.of());
        rig.cluster.book("cn1", new PlacedMachine(machine, "t", "web", Map.of(), 1024, 1024));
        rig.dispatch.advance(rig.records.job(job));
        rig.steps.clear();
    }

    @Test
    void anAnswerFinishesTheJobAndTaskAndAnswerAreRemoved() throws Exception {
        rig.answer("cn1", job, StepRig.ok(job, machine, ZoneState.RUNNING, "10.0.0.7"));

        rig.collect.advance(rig.records.job(job));

        assertThat(rig.records.stateOf(job)).isEqualTo(JobState.SUCCEEDED);
        assertThat(rig.records.machineRow(machine).state()).isEqualTo(ZoneState.RUNNING);
        assertThat(rig.records.ipOf(machine)).isEqualTo("10.0.0.7");
        assertThat(rig.records.finishes(job)).isEqualTo(1);
        assertThat(rig.steps).containsExactly(job + " finished");
        assertThat(rig.tasks("cn1")).isEmpty();
        assertThat(rig.results("cn1")).isEmpty();
        assertThat(rig.cluster.nodeOf(machine)).as("a running machine keeps its booking").contains("cn1");
        assertThat(rig.registry.get("gantry_jobs_finished").tag("action", "provision").tag("outcome", "succeeded").counter().count())
                .isEqualTo(1);
    }

    @Test
    void aFailedProvisionFailsTheMachineAndReleasesItsBooking() throws Exception {
        rig.answer("cn1", job, new TaskResult(job, machine, false, null, null, "image not found", Instant.now()));

        rig.collect.advance(rig.records.job(job));

        assertThat(rig.records.stateOf(job)).isEqualTo(JobState.FAILED);
        assertThat(rig.records.errorOf(job)).isEqualTo("image not found");
        assertThat(rig.records.machineRow(machine).state()).isEqualTo(ZoneState.FAILED);
        assertThat(rig.cluster.nodeOf(machine)).isEmpty();
    }

    @Test
    void theImageANodeMadeReachesTheRecordWithTheJobsEnd() throws Exception {
        var made = new TaskResult.MadeImage("cd".repeat(32), 123_456);
        rig.answer("cn1", job, new TaskResult(job, machine, true, ZoneState.STOPPED, null, null, Instant.now(), null, made, null));

        rig.collect.advance(rig.records.job(job));

        assertThat(rig.records.stateOf(job)).isEqualTo(JobState.SUCCEEDED);
        assertThat(rig.records.madeImage(job)).isEqualTo(made);
    }

    @Test
    void withoutAnAnswerTheJobWaits() throws Exception {

        rig.collect.advance(rig.records.job(job));

        assertThat(rig.records.stateOf(job)).isEqualTo(JobState.DISPATCHED);
        assertThat(rig.tasks("cn1")).containsExactly(job.toString());
        assertThat(rig.steps).isEmpty();
    }

    @Test
    void aTaskThatVanishedWithoutAnAnswerIsWrittenAgain() throws Exception {
        rig.zk.delete().forPath(io.gantry.common.coord.ZkPaths.task("cn1", job.toString()));
        // the step trusts the watcher's cache for a task it holds: wait until the cache has seen it go, as a later pass would
        await().atMost(StepRig.SETTLE).until(() -> !rig.watcher.taskCached("cn1", job));

        rig.collect.advance(rig.records.job(job));

        assertThat(rig.tasks("cn1")).containsExactly(job.toString());
        assertThat(rig.records.stateOf(job)).isEqualTo(JobState.DISPATCHED);
    }

    @Test
    void aCollectTheRecordRefusedIsRepeatedAndFinishesTheJobOnce() throws Exception {
        rig.answer("cn1", job, StepRig.ok(job, machine, ZoneState.RUNNING, "10.0.0.8"));
        rig.records.failFinishes(1);

        assertThatThrownBy(() -> rig.collect.advance(rig.records.job(job))).isInstanceOf(SQLException.class);
        assertThat(rig.results("cn1")).as("the answer is kept until the record has it").containsExactly(job.toString());

        rig.collect.advance(rig.records.job(job));

        assertThat(rig.records.finishes(job)).isEqualTo(1);
        assertThat(rig.records.stateOf(job)).isEqualTo(JobState.SUCCEEDED);
        assertThat(rig.results("cn1")).isEmpty();
    }

    @Test
    void anAnswerCollectedByAnEarlierLeaderIsSweptNotCollectedAgain() throws Exception {
        rig.answer("cn1", job, StepRig.ok(job, machine, ZoneState.RUNNING, "10.0.0.9"));
        // the earlier leader finished the job and died before removing the answer
        rig.records.finish(rig.records.job(job), ZoneState.RUNNING, "10.0.0.9", null);
        UUID unfinished = UUID.randomUUID();
        rig.answer("cn1", unfinished, StepRig.ok(unfinished, machine, ZoneState.RUNNING, null));

        rig.runner().runOnce();
        int removed = new AnswerSweeper(rig.leader).sweep();

        assertThat(rig.records.finishes(job)).isEqualTo(1);
        assertThat(removed).isEqualTo(1);
        assertThat(rig.results("cn1")).as("an answer the record does not know as finished stays").containsExactly(unfinished.toString());
        await().atMost(StepRig.SETTLE).until(() -> rig.watcher.resultsByJob().keySet().equals(java.util.Set.of(unfinished)));
    }
}
