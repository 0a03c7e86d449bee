package io.gantry.provisioner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gantry.common.ZoneState;
import io.gantry.common.coord.NodeReport;
import io.gantry.common.coord.ZkPaths;
import io.gantry.provisioner.placement.NodeInfo;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class NodeWatcherTest extends RigTest {
    @Test
    void anAdvertPutsItsNodeAliveIntoTheClusterWithCapacityAndTraits() throws Exception {
        assertThat(rig.watcher.anyNodeAlive()).isFalse();
        rig.advertise("cn1", 4096);

        NodeInfo cn1 = rig.cluster.node("cn1").orElseThrow();
        assertThat(cn1.alive()).isTrue();
        assertThat(cn1.capacity().memoryMiB()).isEqualTo(4096);
        assertThat(cn1.traits()).containsEntry("zone", "a");
        assertThat(rig.watcher.anyNodeAlive()).isTrue();
        assertThat(rig.watcher.isAlive("cn1")).isTrue();
        assertThat(rig.watcher.takeFreshReports()).as("a node that comes is reconciled with its report").containsExactly("cn1");
        assertThat(rig.watcher.takeFreshReports()).as("once").isEmpty();
    }

    @Test
    void aReportIsNotedAndReadFromTheCache() throws Exception {
        UUID machine = UUID.randomUUID();
        rig.report("cn1", Map.of(machine, new NodeReport.ReportedZone(ZoneState.STOPPED, "10.0.0.2")));

        assertThat(rig.watcher.takeFreshReports()).containsExactly("cn1");
        assertThat(rig.watcher.report("cn1").orElseThrow().zones().get(machine).state()).isEqualTo(ZoneState.STOPPED);
        assertThat(rig.watcher.report("cn2")).isEmpty();
    }

    @Test
    void anAnswerWakesTheLeaderAndIsReadFromTheCacheByItsJob() throws Exception {
        rig.wakeups.await(Duration.ZERO); // forget the wake-ups of the rig's set-up
        UUID job = UUID.randomUUID();
        UUID machine = UUID.randomUUID();
        rig.answer("cn1", job, StepRig.ok(job, machine, ZoneState.RUNNING, "10.0.0.3"));
        rig.zk.create().creatingParentsIfNeeded().forPath(ZkPaths.result("cn1", "not-a-job"), new byte[0]);

        assertThat(rig.wakeups.await(Duration.ofSeconds(5))).isTrue();
        assertThat(rig.watcher.result("cn1", job).orElseThrow().ip()).isEqualTo("10.0.0.3");
        assertThat(rig.watcher.result("cn2", job)).isEmpty();
        await().atMost(StepRig.SETTLE).until(() -> rig.watcher.resultsByJob().size() == 1);
        assertThat(rig.watcher.resultsByJob()).containsExactly(Map.entry(job, ZkPaths.result("cn1", job.toString())));
    }

    @Test
    void aNodeWhoseAdvertGoesIsLostUntilItAdvertisesAgain() throws Exception {
        rig.advertise("cn1", 4096);
        rig.advertise("cn2", 4096);
        rig.wakeups.await(Duration.ZERO);

        rig.loseNode("cn1");

        assertThat(rig.wakeups.await(Duration.ofSeconds(5))).isTrue();
        assertThat(rig.cluster.node("cn1").orElseThrow().alive()).isFalse();
        assertThat(rig.watcher.isAlive("cn1")).isFalse();
        assertThat(rig.watcher.lostNodes()).containsExactly("cn1");
        assertThat(rig.watcher.anyNodeAlive()).isTrue();

        rig.advertise("cn1", 4096);
        assertThat(rig.watcher.lostNodes()).as("back before its loss was handled").isEmpty();
        assertThat(rig.cluster.node("cn1").orElseThrow().alive()).isTrue();
    }

    @Test
    void aSilentNodeIsLostWhileItsAdvertStaysAndAliveWithItsReportAgainWhenItBeats() throws Exception {
        rig.advertise("cn1", 4096);
        rig.watcher.takeFreshReports();
        rig.wakeups.await(Duration.ZERO);

        rig.watcher.silenced("cn1");

        assertThat(rig.wakeups.await(Duration.ZERO)).isTrue();
        assertThat(rig.watcher.isAlive("cn1")).isFalse();
        assertThat(rig.cluster.node("cn1").orElseThrow().alive()).as("out of placement").isFalse();
        assertThat(rig.watcher.lostNodes()).containsExactly("cn1");
        assertThat(rig.watcher.anyNodeAlive()).isFalse();
        assertThat(rig.watcher.sightings()).singleElement().extracting(NodeSighting::alive).isEqualTo(false);

        rig.watcher.heard("cn1");

        assertThat(rig.watcher.isAlive("cn1")).isTrue();
        assertThat(rig.cluster.node("cn1").orElseThrow().alive()).isTrue();
        assertThat(rig.watcher.takeFreshReports()).as("its machines, unknown meanwhile, are settled by its report again").containsExactly("cn1");
    }

    @Test
    void aSilentNodeWhoseAdvertIsGoneStaysLostWhenHeard() throws Exception {
        rig.advertise("cn1", 4096);
        rig.loseNode("cn1");
        rig.watcher.silenced("cn1");

        rig.watcher.heard("cn1");

        assertThat(rig.watcher.isAlive("cn1")).as("a beat alone is no membership").isFalse();
        assertThat(rig.cluster.node("cn1").orElseThrow().alive()).isFalse();
    }

    @Test
    void theWatcherKnowsTheNodesThatWereThereBeforeItStarted() throws Exception {
        rig.advertise("cn1", 2048);
        try (NodeWatcher late = new NodeWatcher(rig.zk, new io.gantry.provisioner.placement.ClusterState(), new Wakeups())) {
            late.start();
            assertThat(late.awaitInitialized(StepRig.SETTLE)).isTrue();
            assertThat(late.isAlive("cn1")).as("known once initialized, before any pass").isTrue();
            assertThat(late.takeFreshReports()).isEqualTo(List.of("cn1"));
        }
    }
}
