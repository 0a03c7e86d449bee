package io.gantry.provisioner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gantry.common.JobKind;
import io.gantry.common.ZoneState;
import io.gantry.common.coord.NodeReport.ReportedZone;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link LostNodeReconciler} and {@link ReportReconciler}: what a node's loss and its report do to the record. */
class ReconcilerTest extends RigTest {
    private LostNodeReconciler lost;
    private ReportReconciler reports;

    @BeforeEach
    void parts() {
        lost = new LostNodeReconciler(rig.leader);
        reports = new ReportReconciler(rig.leader);
    }

    /** A running machine on cn1, whose advert has gone (the loss not yet handled). */
    private UUID aRunningMachineOnLostNodeCn1() throws Exception {
        rig.advertise("cn1", 4096);
        UUID running = rig.records.machine("a", ZoneState.RUNNING, "cn1", 512, List.of());
        rig.loseNode("cn1");
        return running;
    }

    @Test
    void aLostNodesMachinesShowUnknownOnce() throws Exception {
        rig.advertise("cn1", 4096);
        UUID running = rig.records.machine("a", ZoneState.RUNNING, "cn1", 512, List.of());
        UUID provisioning = rig.records.machine("b", ZoneState.PROVISIONING, "cn1", 512, List.of());
        UUID elsewhere = rig.records.machine("c", ZoneState.RUNNING, "cn2", 512, List.of());

        rig.loseNode("cn1");
        lost.reconcile();

        assertThat(rig.records.machineRow(running).state()).isEqualTo(ZoneState.UNKNOWN);
        assertThat(rig.records.machineRow(provisioning).state()).isEqualTo(ZoneState.PROVISIONING);
        assertThat(rig.records.machineRow(elsewhere).state()).isEqualTo(ZoneState.RUNNING);
        assertThat(rig.watcher.lostNodes()).as("handled").isEmpty();
    }

    @Test
    void aNodeBackBeforeTheReconcilerRunsIsLeftAlone() throws Exception {
        UUID running = aRunningMachineOnLostNodeCn1();
        rig.advertise("cn1", 4096);

        lost.reconcile();

        assertThat(rig.records.machineRow(running).state()).isEqualTo(ZoneState.RUNNING);
    }

    @Test
    void aLossTheRecordCouldNotTakeIsHandledNextTime() throws Exception {
        UUID running = aRunningMachineOnLostNodeCn1();
        rig.records.down(true);
        assertThatThrownBy(lost::reconcile).isInstanceOf(SQLException.class);
        rig.records.down(false);

        lost.reconcile();

        assertThat(rig.records.machineRow(running).state()).isEqualTo(ZoneState.UNKNOWN);
    }

    @Test
    void anAliveNodesReportSettlesTheStatesOfItsIdleMachines() throws Exception {
        rig.advertise("cn1", 4096);
        UUID unknown = rig.records.machine("a", ZoneState.UNKNOWN, "cn1", 512, List.of());
        UUID busy = rig.records.machine("b", ZoneState.RUNNING, "cn1", 512, List.of());
        rig.records.queue(JobKind.STOP, busy, Map.of());
        UUID unreported = rig.records.machine("c", ZoneState.UNKNOWN, "cn1", 512, List.of());
        rig.report("cn1", Map.of(unknown, new ReportedZone(ZoneState.RUNNING, "10.1.0.4"),
                busy, new ReportedZone(ZoneState.STOPPED, null)));

        reports.reconcile();

        assertThat(rig.records.machineRow(unknown).state()).isEqualTo(ZoneState.RUNNING);
        assertThat(rig.records.ipOf(unknown)).isEqualTo("10.1.0.4");
        assertThat(rig.records.machineRow(busy).state()).as("a job is in flight: its result decides").isEqualTo(ZoneState.RUNNING);
        assertThat(rig.records.machineRow(unreported).state()).isEqualTo(ZoneState.UNKNOWN);
    }

    /**
     * The node's reporter took its snapshot while the zone was being made and wrote it after the task's answer (two
     * threads of the agent): applied once the provision had finished, it put the machine back to provisioning, where
     * no later report could settle it (the container cluster's failover test found one machine so for 10 minutes).
     */
    @Test
    void aReportOlderThanTheProvisionsAnswerLeavesTheMachineRunning() throws Exception {
        rig.advertise("cn1", 4096);
        UUID made = rig.records.machine("a", ZoneState.RUNNING, "cn1", 512, List.of());
        rig.report("cn1", Map.of(made, new ReportedZone(ZoneState.PROVISIONING, "10.1.0.4")));

        reports.reconcile();
        assertThat(rig.records.machineRow(made).state()).isEqualTo(ZoneState.RUNNING);

        rig.report("cn1", Map.of(made, new ReportedZone(ZoneState.STOPPED, "10.1.0.4")));
        reports.reconcile();
        assertThat(rig.records.machineRow(made).state()).as("a later report still settles it").isEqualTo(ZoneState.STOPPED);
    }

    @Test
    void aDeadNodesReportIsNotTrusted() throws Exception {
        UUID unknown = rig.records.machine("a", ZoneState.UNKNOWN, "cn1", 512, List.of());
        rig.report("cn1", Map.of(unknown, new ReportedZone(ZoneState.RUNNING, "10.1.0.4")));

        reports.reconcile();

        assertThat(rig.records.machineRow(unknown).state()).isEqualTo(ZoneState.UNKNOWN);
    }
}
