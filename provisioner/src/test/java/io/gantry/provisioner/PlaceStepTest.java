package io.gantry.provisioner;

import static org.assertj.core.api.Assertions.assertThat;

import io.gantry.common.JobKind;
import io.gantry.common.JobState;
import io.gantry.common.ZoneState;
import io.gantry.provisioner.placement.PlacedMachine;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class PlaceStepTest extends RigTest {
    @Test
    void aQueuedProvisionIsBookedOnANodeRecordedAndDispatched() throws Exception {
        rig.advertise("cn1", 4096);
        UUID machine = rig.records.newMachine("web", 1024, List.of());
        UUID job = rig.records.queueProvision(machine);

        rig.place.advance(rig.records.job(job));

        assertThat(rig.records.stateOf(job)).isEqualTo(JobState.DISPATCHED);
        assertThat(rig.records.machineRow(machine).computeNode()).isEqualTo("cn1");
        assertThat(rig.cluster.nodeOf(machine)).contains("cn1");
        assertThat(rig.tasks("cn1")).containsExactly(job.toString());
        assertThat(rig.task("cn1", job).spec().imageId()).isEqualTo("img-1");
        assertThat(rig.steps).containsExactly(job + " placed", job + " task-written", job + " dispatched");
        assertThat(rig.registry.get("gantry_placements").tag("result", "placed").counter().count()).isEqualTo(1);
    }

    @Test
    void aMachineTheLedgerAlreadyHoldsStaysOnItsNode() throws Exception {
        rig.advertise("cn1", 4096);
        rig.advertise("cn2", 4096);
        UUID machine = rig.records.newMachine("booked", 1024, List.of());
        UUID other = UUID.randomUUID();
        // cn2 is fuller, so spreading would choose cn1; but this machine was booked on cn2 before the leader changed
        rig.cluster.book("cn2", new PlacedMachine(other, "t", "other", Map.of(), 2048, 1024));
        rig.cluster.book("cn2", new PlacedMachine(machine, "t", "booked", Map.of(), 1024, 1024));
        UUID job = rig.records.queueProvision(machine);

        rig.place.advance(rig.records.job(job));

        assertThat(rig.records.machineRow(machine).computeNode()).isEqualTo("cn2");
        assertThat(rig.tasks("cn2")).containsExactly(job.toString());
        assertThat(rig.tasks("cn1")).isEmpty();
        assertThat(rig.registry.get("gantry_placements").tag("result", "placed").counter().count())
                .as("no new placement decision").isZero();
    }

    @Test
    void placingAJobAnotherLeaderMovedOnChangesNothingAndReleasesTheBooking() throws Exception {
        rig.advertise("cn1", 4096);
        UUID machine = rig.records.newMachine("raced", 1024, List.of());
        UUID job = rig.records.queueProvision(machine);
        OpenJob stale = rig.records.job(job);
        rig.place.advance(stale);
        rig.steps.clear();
        rig.cluster.release(machine); // as a new leader's ledger, before it read the bookings
        String taskBefore = rig.task("cn1", job).issued().toString();

        rig.place.advance(stale); // the same step again, from a list read before the first one

        assertThat(rig.steps).isEmpty();
        assertThat(rig.cluster.nodeOf(machine)).as("the booking the record did not take").isEmpty();
        assertThat(rig.tasks("cn1")).containsExactly(job.toString());
        assertThat(rig.task("cn1", job).issued().toString()).as("the task is not written again").isEqualTo(taskBefore);
        assertThat(rig.records.stateOf(job)).isEqualTo(JobState.DISPATCHED);
    }

    @Test
    void aMachineThatFitsNowhereFailsWithTheReasonAndIsCounted() throws Exception {
        rig.advertise("cn1", 512);
        UUID machine = rig.records.newMachine("huge", 2048, List.of());
        UUID job = rig.records.queueProvision(machine);

        rig.place.advance(rig.records.job(job));

        assertThat(rig.records.stateOf(job)).isEqualTo(JobState.FAILED);
        assertThat(rig.records.machineRow(machine).state()).isEqualTo(ZoneState.FAILED);
        assertThat(rig.records.errorOf(job)).endsWith("(nodes rejected: capacity 1)");
        assertThat(rig.registry.get("gantry_placements").tag("result", "nofit").counter().count()).isEqualTo(1);
        assertThat(rig.registry.get("gantry_placement_rejected_nodes").tag("filter", "capacity").counter().count()).isEqualTo(1);
        assertThat(rig.registry.get("gantry_jobs_finished").tag("action", "provision").tag("outcome", "failed").counter().count())
                .isEqualTo(1);
        assertThat(rig.tasks("cn1")).isEmpty();
        assertThat(rig.cluster.nodeOf(machine)).isEmpty();
    }

    @Test
    void aJobOnAMachineNeverPlacedEndsWithoutANode() throws Exception {
        UUID machine = rig.records.machine("never", ZoneState.FAILED, null, 1024, List.of());
        UUID start = rig.records.queue(JobKind.START, machine, Map.of());
        rig.place.advance(rig.records.job(start));
        assertThat(rig.records.stateOf(start)).isEqualTo(JobState.FAILED);
        assertThat(rig.records.errorOf(start)).isEqualTo("the machine was never placed on a node");

        UUID delete = rig.records.queue(JobKind.DELETE, machine, Map.of());
        rig.place.advance(rig.records.job(delete));
        assertThat(rig.records.stateOf(delete)).isEqualTo(JobState.SUCCEEDED);
        assertThat(rig.records.machineRow(machine).state()).isEqualTo(ZoneState.DELETED);
    }

    @Test
    void anotherJobStaysOnItsMachinesNodeAndAResizeOnlyWhereItFits() throws Exception {
        rig.advertise("cn1", 2048);
        rig.advertise("cn2", 8192);
        UUID machine = rig.records.machine("db", ZoneState.RUNNING, "cn1", 1024, List.of());
        rig.cluster.book("cn1", new PlacedMachine(machine, "t", "db", Map.of(), 1024, 1024));
        UUID stop = rig.records.queue(JobKind.STOP, machine, Map.of());

        rig.place.advance(rig.records.job(stop));

        assertThat(rig.records.stateOf(stop)).isEqualTo(JobState.DISPATCHED);
        assertThat(rig.tasks("cn1")).containsExactly(stop.toString());
        assertThat(rig.tasks("cn2")).isEmpty();

        UUID bigger = rig.records.machine("big", ZoneState.RUNNING, "cn1", 4096, List.of());
        rig.cluster.book("cn1", new PlacedMachine(bigger, "t", "big", Map.of(), 512, 1024));
        UUID resize = rig.records.queue(JobKind.RESIZE, bigger, Map.of());
        rig.place.advance(rig.records.job(resize));
        assertThat(rig.records.stateOf(resize)).isEqualTo(JobState.FAILED);
        assertThat(rig.records.errorOf(resize)).startsWith("node cn1 has no room for the new size (4096 MiB of memory, 1 vCPUs;")
                .endsWith("machines are not moved between nodes");
    }
}
