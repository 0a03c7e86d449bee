package io.gantry.provisioner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gantry.common.JobKind;
import io.gantry.common.JobState;
import io.gantry.common.ZoneState;
import io.gantry.common.coord.ZkPaths;
import io.gantry.common.limits.OverprovisionRatios;
import io.gantry.provisioner.placement.PlacementPolicy;
import io.gantry.provisioner.placement.Strategy;
import io.gantry.testkit.TestZooKeeper;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.curator.framework.CuratorFramework;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Two real provisioners in one leader election on a real ZooKeeper, sharing one record: the leader
 * dies between two steps of a job, the other takes over and finishes the job, exactly once.
 */
class LeaderHandOverTest {
    private final Deque<AutoCloseable> started = new ArrayDeque<>();
    private final String namespace = "handover-" + UUID.randomUUID();
    private final FakeJobRecords records = new FakeJobRecords();

    @AfterEach
    void closeNewestFirst() throws Exception {
        while (!started.isEmpty()) {
            started.pop().close();
        }
    }

    private static final class SimulatedCrash extends Error {
        SimulatedCrash(String step) {
            super("simulated provisioner crash after step " + step + " (test)");
        }
    }

    /** Waits for the leaders; a leader's thread that dies of a simulated crash is meant to, and fails no wait. */
    private static ConditionFactory settle() {
        return await().atMost(StepRig.SETTLE).dontCatchUncaughtExceptions();
    }

    private CuratorFramework client() throws Exception {
        CuratorFramework client = StepRig.client(TestZooKeeper.shared(), namespace);
        started.push(client);
        return client;
    }

    private Provisioner provisioner(String id, CuratorFramework client, LeaderLoop.StepHook hook) {
        ProvisionerConfig config = new ProvisionerConfig(id, null, null, null,
                new PlacementPolicy(new OverprovisionRatios(1.0, 1.0), Strategy.SPREAD, 3), Duration.ofMillis(200));
        Provisioner p = Provisioner.start(client, config, hook, ProvisionerMetrics.none(), () -> records);
        started.push(p);
        return p;
    }

    /** At {@code step}, the leader loses its ZooKeeper session and its thread dies, as a killed process would. */
    private static LeaderLoop.StepHook crashAt(String step, CuratorFramework client, AtomicReference<String> crashed) {
        return (job, at) -> {
            if (at.equals(step) && crashed.compareAndSet(null, at)) {
                client.close();
                throw new SimulatedCrash(step);
            }
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {"placed", "task-written", "dispatched", "finished"})
    void theNextLeaderFinishesAJobTheDeadLeaderLeftAtAnyStepExactlyOnce(String step) throws Exception {
        FakeNode cn1 = FakeNode.start(client(), "cn1", 8192);
        started.push(cn1);
        CuratorFramework c1 = client();
        AtomicReference<String> crashed = new AtomicReference<>();
        Provisioner p1 = provisioner("p1", c1, crashAt(step, c1, crashed));
        settle().until(p1::isLeader);
        Provisioner p2 = provisioner("p2", client(), LeaderLoop.StepHook.NONE);

        UUID machine = records.newMachine("web", 1024, List.of());
        UUID job = records.queueProvision(machine);

        settle().untilAsserted(() -> assertThat(crashed.get()).isEqualTo(step));
        settle().until(p2::isLeader);
        settle().until(() -> records.stateOf(job) == JobState.SUCCEEDED);
        assertThat(records.finishes(job)).as("finished once").isEqualTo(1);
        assertThat(cn1.asked(job)).as("one task").isEqualTo(1);
        assertThat(records.machineRow(machine).state()).isEqualTo(ZoneState.RUNNING);
        assertThat(records.machineRow(machine).computeNode()).isEqualTo("cn1");
        assertThat(records.ipOf(machine)).isEqualTo("10.9.0.1");
        CuratorFramework look = client();
        settle().untilAsserted(() -> {
            assertThat(look.getChildren().forPath(ZkPaths.tasks("cn1"))).as("tasks left").isEmpty();
            assertThat(look.getChildren().forPath(ZkPaths.results("cn1"))).as("answers left").isEmpty();
        });
    }

    @Test
    void aLeaderThatStepsDownHandsOverAndTheNextTakesNewJobs() throws Exception {
        FakeNode cn1 = FakeNode.start(client(), "cn1", 8192);
        started.push(cn1);
        Provisioner p1 = provisioner("p1", client(), LeaderLoop.StepHook.NONE);
        settle().until(p1::isLeader);
        Provisioner p2 = provisioner("p2", client(), LeaderLoop.StepHook.NONE);
        UUID first = records.queue(JobKind.PROVISION, records.newMachine("one", 1024, List.of()), Map.of("image", "img-1"));
        settle().until(() -> records.stateOf(first) == JobState.SUCCEEDED);
        assertThat(p2.isLeader()).isFalse();

        p1.close();

        settle().until(p2::isLeader);
        UUID second = records.queue(JobKind.PROVISION, records.newMachine("two", 1024, List.of()), Map.of("image", "img-1"));
        settle().until(() -> records.stateOf(second) == JobState.SUCCEEDED);
        assertThat(records.finishes(first)).isEqualTo(1);
        assertThat(records.finishes(second)).isEqualTo(1);
        assertThat(cn1.asked(first)).isEqualTo(1);
        assertThat(cn1.asked(second)).isEqualTo(1);
    }

    @Test
    void aLeaderWhoseProcessDiesIsDeposedWithoutWaitingForItsSessionAndStepsDownIfItWasAliveAfterAll() throws Exception {
        FakeNode cn1 = FakeNode.start(client(), "cn1", 8192);
        started.push(cn1);
        Provisioner p1 = provisioner("p1", client(), LeaderLoop.StepHook.NONE);
        settle().until(p1::isLeader);
        Provisioner p2 = provisioner("p2", client(), LeaderLoop.StepHook.NONE);
        settle().until(() -> p1.lifeLineConnections() == 1);
        UUID before = records.queue(JobKind.PROVISION, records.newMachine("before", 1024, List.of()), Map.of("image", "img-1"));
        settle().until(() -> records.stateOf(before) == JobState.SUCCEEDED);

        p1.cutLifeLine();

        settle().until(p2::isLeader);
        CuratorFramework look = client();
        assertThat(look.checkExists().forPath(ZkPaths.LIVENESS + "/p1")).as("p1's session still lives").isNotNull();
        settle().until(() -> !p1.isLeader());
        settle().untilAsserted(() -> assertThat(look.getChildren().forPath(ZkPaths.PROVISIONER_LEADER))
                .as("p1 stood again: two members").hasSize(2));
        assertThat(p2.isLeader()).isTrue();
        UUID after = records.queue(JobKind.PROVISION, records.newMachine("after", 1024, List.of()), Map.of("image", "img-1"));
        settle().until(() -> records.stateOf(after) == JobState.SUCCEEDED);
        assertThat(records.finishes(before)).isEqualTo(1);
        assertThat(records.finishes(after)).isEqualTo(1);
        assertThat(cn1.asked(after)).isEqualTo(1);
    }
}
