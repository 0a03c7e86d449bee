package io.gantry.provisioner;

import static org.assertj.core.api.Assertions.assertThat;

import io.gantry.common.JobKind;
import io.gantry.common.JobState;
import io.gantry.common.Json;
import io.gantry.common.ZoneState;
import io.gantry.common.coord.TaskKind;
import io.gantry.common.coord.ZkPaths;
import io.gantry.common.coord.ZoneMetadata;
import io.gantry.common.net.NetworkKind;
import io.gantry.common.net.Nic;
import java.nio.charset.StandardCharsets;
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
    void aProvisionsTaskIsWrittenOnlyOnceTheMachinesMetadataIsInZooKeeper() throws Exception {
        UUID machine = rig.records.newMachine("web", 1024, List.of());
        UUID job = placedJob(JobKind.PROVISION, machine);
        var metadataWhenTaskAppeared = new java.util.concurrent.CompletableFuture<Boolean>();
        rig.zk.checkExists().usingWatcher((org.apache.curator.framework.api.CuratorWatcher) event -> metadataWhenTaskAppeared
                        .complete(rig.zk.checkExists().forPath(ZkPaths.metadata(machine)) != null))
                .forPath(ZkPaths.task("cn1", job.toString()));

        rig.dispatch.advance(rig.records.job(job));

        assertThat(metadataWhenTaskAppeared.get(5, java.util.concurrent.TimeUnit.SECONDS))
                .as("the metadata znode exists when the PROVISION task appears").isTrue();
        ZoneMetadata published = Json.read(new String(rig.zk.getData().forPath(ZkPaths.metadata(machine)), StandardCharsets.UTF_8),
                ZoneMetadata.class);
        assertThat(published.machine()).isEqualTo(machine);
        assertThat(published.alias()).isEqualTo("web");
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

    private static OpenJob withNicsAndFirewall(OpenJob job, List<Nic> nics) {
        var m = job.machine();
        return job.withMachine(new OpenJob.Machine(m.id(), m.account(), m.name(), m.state(), m.computeNode(), m.memoryMiB(), m.swapMiB(),
                m.diskMiB(), m.vcpus(), m.cpuCap(), m.lwps(), m.packageName(), m.tags(), m.affinity(), m.cpuThrottle(), m.traits(), nics, true));
    }

    @Test
    void aProvisionAndANicChangeCarryTheZonesNicsAndFirewallFlag() throws Exception {
        var nics = List.of(
                new Nic("02:00:00:00:00:01", "192.168.128.5", UUID.randomUUID(), NetworkKind.FABRIC, "192.168.128.0/22", "192.168.128.1",
                        4096, 1450, true, true),
                new Nic("02:00:00:00:00:02", "10.200.0.2", UUID.randomUUID(), NetworkKind.EXTERNAL, "10.200.0.0/16", "10.200.0.1",
                        null, 1500, false, false));
        UUID machine = rig.records.newMachine("web", 1024, List.of());
        UUID provision = placedJob(JobKind.PROVISION, machine);
        rig.dispatch.advance(withNicsAndFirewall(rig.records.job(provision), nics));
        var spec = rig.task("cn1", provision).spec();
        assertThat(spec.nics()).isEqualTo(nics);
        assertThat(spec.firewallEnabled()).isTrue();
        assertThat(spec.imageId()).isEqualTo("img-1");

        UUID running = rig.records.machine("db", ZoneState.RUNNING, "cn1", 1024, List.of());
        UUID change = placedJob(JobKind.UPDATE_NICS, running);
        rig.dispatch.advance(withNicsAndFirewall(rig.records.job(change), nics.subList(0, 1)));
        assertThat(rig.task("cn1", change).kind()).isEqualTo(TaskKind.UPDATE_NICS);
        assertThat(rig.task("cn1", change).spec().nics()).containsExactly(nics.get(0));
    }

    @Test
    void anImageCreateCarriesTheStoppedMachinesSpecToItsNode() throws Exception {
        UUID stopped = rig.records.machine("src", ZoneState.STOPPED, "cn1", 1024, List.of());
        UUID job = placedJob(JobKind.IMAGE_CREATE, stopped);
        rig.dispatch.advance(rig.records.job(job));
        var task = rig.task("cn1", job);
        assertThat(task.kind()).isEqualTo(TaskKind.IMAGE_CREATE);
        assertThat(task.machine()).isEqualTo(stopped);
        assertThat(task.spec().uuid()).isEqualTo(stopped);
        assertThat(task.spec().imageId()).as("the image the zone runs from").isEqualTo("img-1");
    }
}
