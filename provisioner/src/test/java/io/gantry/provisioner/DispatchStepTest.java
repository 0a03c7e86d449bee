package io.gantry.provisioner;

import static org.assertj.core.api.Assertions.assertThat;

import io.gantry.common.JobKind;
import io.gantry.common.JobState;
import io.gantry.common.ZoneState;
import io.gantry.common.coord.TaskKind;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class DispatchStepTest extends RigTest {
    private UUID placedJob(JobKind kind, UUID machine) throws Exception {
        UUID job = rig.records.queue(kind, machine, Map.of("image", "img-1"));
        assertThat(rig.records.markPlaced(job, machine, "cn1", Map.of())).isTrue();
        return job;
    }

    @Test
    void aPlacedJobsTaskIsWrittenToItsNodeAndTheJobIsDispatched() throws Exception {
        UUID machine = rig.records.machine("web", ZoneState.RUNNING, "cn1", 1024, List.of());
        UUID job = placedJob(JobKind.REBOOT, machine);

        rig.dispatch.advance(rig.records.job(job));

        assertThat(rig.records.stateOf(job)).isEqualTo(JobState.DISPATCHED);
        assertThat(rig.task("cn1", job).kind()).isEqualTo(TaskKind.REBOOT);
        assertThat(rig.task("cn1", job).machine()).isEqualTo(machine);
        assertThat(rig.steps).containsExactly(job + " task-written", job + " dispatched");
    }

    @Test
    void dispatchingTwiceWritesOneTask() throws Exception {
        UUID machine = rig.records.newMachine("web", 1024, List.of());
        UUID job = placedJob(JobKind.PROVISION, machine);
        OpenJob placed = rig.records.job(job);
        rig.dispatch.advance(placed);
        var first = rig.task("cn1", job);

        rig.dispatch.advance(placed); // a new leader that read the job before the first dispatch was recorded

        assertThat(rig.tasks("cn1")).containsExactly(job.toString());
        assertThat(rig.task("cn1", job)).as("the first task, not overwritten").isEqualTo(first);
        assertThat(rig.records.stateOf(job)).isEqualTo(JobState.DISPATCHED);
    }

    @Test
    void aJobItsNodeAlreadyAnsweredIsOnlyMarkedDispatched() throws Exception {
        UUID machine = rig.records.newMachine("web", 1024, List.of());
        UUID job = placedJob(JobKind.PROVISION, machine);
        rig.answer("cn1", job, StepRig.ok(job, machine, ZoneState.RUNNING, "10.0.0.5"));

        rig.dispatch.advance(rig.records.job(job));

        assertThat(rig.tasks("cn1")).as("no task for a job already answered").isEmpty();
        assertThat(rig.results("cn1")).containsExactly(job.toString());
        assertThat(rig.records.stateOf(job)).isEqualTo(JobState.DISPATCHED);
        assertThat(rig.steps).isEmpty();
    }
}
