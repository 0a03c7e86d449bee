package io.gantry.provisioner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gantry.common.JobKind;
import io.gantry.common.JobState;
import io.gantry.common.ZoneState;
import io.gantry.provisioner.placement.PlacedMachine;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class JobRunnerTest extends RigTest {
    @Test
    void eachJobMovesByTheStepForItsStateAndOnlyAMachinesOldestJobMoves() throws Exception {
        rig.advertise("cn1", 4096);
        UUID machine = rig.records.machine("db", ZoneState.RUNNING, "cn1", 1024, List.of());
        rig.cluster.book("cn1", new PlacedMachine(machine, "t", "db", Map.of(), 1024, 1024));
        UUID stop = rig.records.queue(JobKind.STOP, machine, Map.of());
        UUID start = rig.records.queue(JobKind.START, machine, Map.of());
        UUID fresh = rig.records.newMachine("web", 512, List.of());
        UUID provision = rig.records.queueProvision(fresh);

        rig.runner().runOnce();

        assertThat(rig.records.stateOf(stop)).isEqualTo(JobState.DISPATCHED);
        assertThat(rig.records.stateOf(start)).as("waits for the stop").isEqualTo(JobState.QUEUED);
        assertThat(rig.records.stateOf(provision)).isEqualTo(JobState.DISPATCHED);

        rig.answer("cn1", stop, StepRig.ok(stop, machine, ZoneState.STOPPED, null));
        rig.runner().runOnce();
        assertThat(rig.records.stateOf(stop)).isEqualTo(JobState.SUCCEEDED);
        assertThat(rig.records.machineRow(machine).state()).isEqualTo(ZoneState.STOPPED);

        rig.runner().runOnce();
        assertThat(rig.records.stateOf(start)).isEqualTo(JobState.DISPATCHED);
    }

    @Test
    void whileNoNodeIsAliveAProvisionWaitsButOtherJobsGoOn() throws Exception {
        UUID fresh = rig.records.newMachine("web", 512, List.of());
        UUID provision = rig.records.queueProvision(fresh);
        UUID never = rig.records.machine("never", ZoneState.FAILED, null, 512, List.of());
        UUID delete = rig.records.queue(JobKind.DELETE, never, Map.of());

        rig.runner().runOnce();

        assertThat(rig.records.stateOf(provision)).as("waits rather than fails").isEqualTo(JobState.QUEUED);
        assertThat(rig.records.stateOf(delete)).isEqualTo(JobState.SUCCEEDED);

        rig.advertise("cn1", 4096);
        rig.runner().runOnce();
        assertThat(rig.records.stateOf(provision)).isEqualTo(JobState.DISPATCHED);
    }

    @Test
    void aRequestThatCannotBeCarriedOutFailsItsJobAndTheOthersGoOn() throws Exception {
        rig.advertise("cn1", 4096);
        UUID odd = rig.records.newMachine("odd", 512, List.of("no operator here"));
        UUID bad = rig.records.queueProvision(odd);
        UUID fine = rig.records.newMachine("fine", 512, List.of());
        UUID good = rig.records.queueProvision(fine);

        rig.runner().runOnce();

        assertThat(rig.records.stateOf(bad)).isEqualTo(JobState.FAILED);
        assertThat(rig.records.errorOf(bad)).contains("affinity rule 'no operator here'");
        assertThat(rig.records.machineRow(odd).state()).isEqualTo(ZoneState.FAILED);
        assertThat(rig.cluster.nodeOf(odd)).isEmpty();
        assertThat(rig.records.stateOf(good)).isEqualTo(JobState.DISPATCHED);
    }

    @Test
    void anUnreachableRecordStopsThePassAndTheJobsAreTakenUpAfterwards() throws Exception {
        rig.advertise("cn1", 4096);
        UUID fresh = rig.records.newMachine("web", 512, List.of());
        UUID provision = rig.records.queueProvision(fresh);
        rig.records.down(true);

        assertThatThrownBy(() -> rig.runner().runOnce()).isInstanceOf(SQLException.class);

        rig.records.down(false);
        rig.runner().runOnce();
        assertThat(rig.records.stateOf(provision)).isEqualTo(JobState.DISPATCHED);
    }

    @Test
    void twoStepsForOneStateAreRefused() {
        assertThatThrownBy(() -> new JobRunner(rig.leader, List.of(rig.dispatch, rig.dispatch), () -> true))
                .hasMessage("two steps move jobs on from placed");
    }
}
