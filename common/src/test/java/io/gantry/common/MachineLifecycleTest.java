package io.gantry.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gantry.common.coord.TaskResult;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class MachineLifecycleTest {
    private static TaskResult ok(ZoneState state) {
        return new TaskResult(UUID.randomUUID(), UUID.randomUUID(), true, state, "10.200.0.2", null, Instant.now());
    }

    private static TaskResult failed(ZoneState seen) {
        return new TaskResult(UUID.randomUUID(), UUID.randomUUID(), false, seen, null, "boom", Instant.now());
    }

    @Test
    void stopShowsStoppingUntilTheNodeAnswers() {
        var d = MachineLifecycle.request(JobKind.STOP, ZoneState.RUNNING, false);
        assertThat(d).isEqualTo(new MachineLifecycle.Decision.Queue(ZoneState.STOPPING));
        assertThat(MachineLifecycle.afterResult(JobKind.STOP, ZoneState.STOPPING, ok(ZoneState.STOPPED))).isEqualTo(ZoneState.STOPPED);
    }

    @Test
    void repeatingAStartOrStopThatIsAlreadyDoneQueuesNothing() {
        assertThat(MachineLifecycle.request(JobKind.START, ZoneState.RUNNING, false)).isInstanceOf(MachineLifecycle.Decision.AlreadyDone.class);
        assertThat(MachineLifecycle.request(JobKind.STOP, ZoneState.STOPPED, false)).isInstanceOf(MachineLifecycle.Decision.AlreadyDone.class);
    }

    @Test
    void actionsWhileProvisioningOrUnknownAreRefusedWithTheState() {
        assertThatThrownBy(() -> MachineLifecycle.request(JobKind.STOP, ZoneState.PROVISIONING, false))
                .isInstanceOfSatisfying(GantryException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.InvalidState))
                .hasMessageContaining("provisioning");
        assertThatThrownBy(() -> MachineLifecycle.request(JobKind.RESIZE, ZoneState.UNKNOWN, false))
                .hasMessageContaining("unknown");
        assertThatThrownBy(() -> MachineLifecycle.request(JobKind.REBOOT, ZoneState.STOPPED, false))
                .hasMessageContaining("start it instead");
    }

    @Test
    void deletionProtectionRefusesDeleteAndDeletedMachinesAreNotFound() {
        assertThatThrownBy(() -> MachineLifecycle.request(JobKind.DELETE, ZoneState.RUNNING, true))
                .hasMessageContaining("deletion_protection");
        assertThat(MachineLifecycle.request(JobKind.DELETE, ZoneState.FAILED, false)).isInstanceOf(MachineLifecycle.Decision.Queue.class);
        assertThatThrownBy(() -> MachineLifecycle.request(JobKind.START, ZoneState.DELETED, false))
                .isInstanceOfSatisfying(GantryException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.ResourceNotFound));
    }

    @Test
    void taskResultsMoveTheMachine() {
        assertThat(MachineLifecycle.afterResult(JobKind.PROVISION, ZoneState.PROVISIONING, ok(ZoneState.RUNNING))).isEqualTo(ZoneState.RUNNING);
        assertThat(MachineLifecycle.afterResult(JobKind.START, ZoneState.STOPPED, ok(ZoneState.RUNNING))).isEqualTo(ZoneState.RUNNING);
        assertThat(MachineLifecycle.afterResult(JobKind.DELETE, ZoneState.RUNNING, ok(ZoneState.DELETED))).isEqualTo(ZoneState.DELETED);
        assertThat(MachineLifecycle.afterResult(JobKind.RESIZE, ZoneState.STOPPED, ok(null))).isEqualTo(ZoneState.STOPPED);
    }

    @Test
    void aFailedProvisionFailsTheMachineButOtherFailuresKeepWhatTheNodeSaw() {
        assertThat(MachineLifecycle.afterResult(JobKind.PROVISION, ZoneState.PROVISIONING, failed(null))).isEqualTo(ZoneState.FAILED);
        assertThat(MachineLifecycle.afterResult(JobKind.START, ZoneState.STOPPED, failed(ZoneState.STOPPED))).isEqualTo(ZoneState.STOPPED);
        assertThat(MachineLifecycle.afterResult(JobKind.STOP, ZoneState.STOPPING, failed(null)))
                .as("a stop the node could not do leaves the machine running").isEqualTo(ZoneState.RUNNING);
        assertThat(MachineLifecycle.afterResult(JobKind.RESIZE, ZoneState.RUNNING, failed(ZoneState.RUNNING))).isEqualTo(ZoneState.RUNNING);
    }

    @Test
    void theNodesReportSettlesRecordedStatesExceptProvisioningAndDeleted() {
        assertThat(MachineLifecycle.fromReport(ZoneState.UNKNOWN, ZoneState.RUNNING)).contains(ZoneState.RUNNING);
        assertThat(MachineLifecycle.fromReport(ZoneState.RUNNING, ZoneState.STOPPED)).contains(ZoneState.STOPPED);
        assertThat(MachineLifecycle.fromReport(ZoneState.RUNNING, ZoneState.RUNNING)).isEmpty();
        assertThat(MachineLifecycle.fromReport(ZoneState.PROVISIONING, ZoneState.RUNNING)).isEmpty();
        assertThat(MachineLifecycle.fromReport(ZoneState.DELETED, ZoneState.RUNNING)).isEmpty();
    }

    @Test
    void aReportNeverMakesAMachineProvisioning() {
        assertThat(MachineLifecycle.fromReport(ZoneState.RUNNING, ZoneState.PROVISIONING))
                .as("a snapshot taken while the zone was made, written after the provision's answer").isEmpty();
        assertThat(MachineLifecycle.fromReport(ZoneState.UNKNOWN, ZoneState.PROVISIONING)).isEmpty();
        assertThat(MachineLifecycle.fromReport(ZoneState.STOPPED, ZoneState.PROVISIONING)).isEmpty();
    }
}
