package io.gantry.provisioner;

import static org.assertj.core.api.Assertions.assertThat;

import io.gantry.common.JobKind;
import io.gantry.common.JobState;
import io.gantry.common.ZoneState;
import io.gantry.common.coord.ZkPaths;
import io.gantry.provisioner.placement.PlacedMachine;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A job its machine's delete supersedes ends without node work if no node has it yet; one already on its node is
 * carried out. Real ZooKeeper (the node's tasks), in-memory record with the ledger's guards.
 */
class SupersededByDeleteTest extends RigTest {
    @Test
    void aQueuedProvisionWithADeleteBehindItIsNeverPlacedEvenWhileNoNodeIsAlive() throws Exception {
        UUID machine = rig.records.newMachine("gone", 512, List.of());
        UUID provision = rig.records.queueProvision(machine);
        UUID delete = rig.records.queue(JobKind.DELETE, machine, Map.of());

        rig.runner().runOnce();
        assertThat(rig.records.stateOf(provision)).isEqualTo(JobState.FAILED);
        assertThat(rig.records.errorOf(provision)).startsWith("deleted before it was placed");

        rig.advertise("cn1", 4096);
        rig.runner().runOnce();
        assertThat(rig.records.stateOf(delete)).isEqualTo(JobState.SUCCEEDED);
        assertThat(rig.records.machineRow(machine).state()).isEqualTo(ZoneState.DELETED);
        assertThat(rig.cluster.nodeOf(machine)).as("booked").isEmpty();
        assertThat(rig.tasks("cn1")).isEmpty();
        assertThat(rig.steps).containsExactly(provision + " superseded");
        assertThat(rig.registry.get("gantry_jobs_finished").tag("action", "provision").tag("outcome", "superseded").counter().count())
                .as("counted apart from failed provisions").isEqualTo(1.0);
    }

    @Test
    void aPlacedProvisionWhoseTaskIsNotOnItsNodeGivesItsBookingBack() throws Exception {
        rig.advertise("cn1", 4096);
        UUID machine = placedByADeadLeader();
        UUID provision = rig.records.openJobs().get(0).id();
        UUID delete = rig.records.queue(JobKind.DELETE, machine, Map.of());

        rig.runner().runOnce();
        rig.runner().runOnce();

        assertThat(rig.records.errorOf(provision)).isEqualTo("deleted before it was dispatched: its booking on node cn1 was released"
                + " and no zone was made");
        assertThat(rig.cluster.nodeOf(machine)).as("booked").isEmpty();
        assertThat(rig.records.machineRow(machine).computeNode()).isNull();
        assertThat(rig.records.stateOf(delete)).isEqualTo(JobState.SUCCEEDED);
        assertThat(rig.records.machineRow(machine).state()).isEqualTo(ZoneState.DELETED);
        assertThat(rig.tasks("cn1")).isEmpty();
    }

    @Test
    void aPlacedProvisionWhoseTaskIsAlreadyOnItsNodeIsCarriedOutBeforeTheDelete() throws Exception {
        rig.advertise("cn1", 4096);
        UUID machine = placedByADeadLeader();
        OpenJob placed = rig.records.openJobs().get(0);
        rig.zk.create().creatingParentsIfNeeded().forPath(ZkPaths.task("cn1", placed.id().toString()),
                StepRig.bytes(DispatchStep.taskFor(placed)));
        UUID delete = rig.records.queue(JobKind.DELETE, machine, Map.of());

        rig.runner().runOnce();

        assertThat(rig.records.stateOf(placed.id())).as("the dead leader wrote its task").isEqualTo(JobState.DISPATCHED);
        assertThat(rig.records.stateOf(delete)).isEqualTo(JobState.QUEUED);
        assertThat(rig.cluster.nodeOf(machine)).contains("cn1");
        assertThat(rig.steps).doesNotContain(placed.id() + " superseded");
    }

    @Test
    void aQueuedStopWithADeleteBehindItIsSkippedAndTheDeleteGoesToTheNode() throws Exception {
        rig.advertise("cn1", 4096);
        UUID machine = rig.records.machine("db", ZoneState.RUNNING, "cn1", 1024, List.of());
        rig.cluster.book("cn1", new PlacedMachine(machine, "t", "db", Map.of(), 1024, 1024));
        UUID stop = rig.records.queue(JobKind.STOP, machine, Map.of());
        UUID delete = rig.records.queue(JobKind.DELETE, machine, Map.of());

        rig.runner().runOnce();
        rig.runner().runOnce();

        assertThat(rig.records.errorOf(stop)).isEqualTo("superseded by the machine's delete before it reached its node: nothing was done");
        assertThat(rig.records.stateOf(delete)).isEqualTo(JobState.DISPATCHED);
        assertThat(rig.tasks("cn1")).containsExactly(delete.toString());
    }

    /** A machine whose provision a leader placed on cn1 (booked there) before it died, its task not written. */
    private UUID placedByADeadLeader() throws Exception {
        UUID machine = rig.records.newMachine("gone", 512, List.of());
        UUID provision = rig.records.queueProvision(machine);
        rig.cluster.book("cn1", new PlacedMachine(machine, "t", "gone", Map.of(), 512, 1024));
        assertThat(rig.records.markPlaced(provision, machine, "cn1", Map.of())).isTrue();
        return machine;
    }
}
