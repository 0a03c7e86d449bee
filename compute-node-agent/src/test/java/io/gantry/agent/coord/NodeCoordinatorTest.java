package io.gantry.agent.coord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gantry.agent.sim.SimulatedZoneBackend;
import io.gantry.common.Json;
import io.gantry.common.Package;
import io.gantry.common.Zone;
import io.gantry.common.ZoneSpec;
import io.gantry.common.ZoneState;
import io.gantry.common.coord.NodeAdvert;
import io.gantry.common.coord.NodeCapacity;
import io.gantry.common.coord.NodeReport;
import io.gantry.common.coord.NodeTask;
import io.gantry.common.coord.TaskKind;
import io.gantry.common.coord.TaskResult;
import io.gantry.common.coord.ZkPaths;
import io.gantry.testkit.TestZooKeeper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's task queue and report against a real (embedded) ZooKeeper. Zones are SIMULATED
 * ({@link SimulatedZoneBackend}, in memory, nothing isolated): these tests are about coordination,
 * not isolation.
 */
class NodeCoordinatorTest {
    private static final String NODE = "cn1";
    private static final String IMAGE = "e".repeat(64);
    private static final Duration WAIT = Duration.ofSeconds(15);

    @TempDir
    Path tmp;
    private TestZooKeeper zk;
    private CuratorFramework agentClient;
    private CuratorFramework provisioner;
    private RecordingBackend backend;
    private Path stateDir;
    private final List<NodeCoordinator> agents = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        zk = TestZooKeeper.start(tmp.resolve("zk"));
        agentClient = zk.newClient();
        provisioner = zk.newClient();
        backend = new RecordingBackend(new SimulatedZoneBackend(Set.of(IMAGE), Clock.systemUTC()));
        stateDir = tmp.resolve("state");
    }

    @AfterEach
    void tearDown() {
        agents.forEach(NodeCoordinator::close);
        agentClient.close();
        provisioner.close();
        zk.close();
    }

    private NodeCoordinator startAgent() {
        NodeAdvert advert = new NodeAdvert(NODE, "127.0.0.1", "simulated", new NodeCapacity(4096, 10_000, 4), Map.of(), Instant.now());
        NodeCoordinator agent = NodeCoordinator.start(agentClient, backend, advert, stateDir, Duration.ofSeconds(5));
        agents.add(agent);
        return agent;
    }

    private static NodeTask create(UUID machine) {
        ZoneSpec spec = new ZoneSpec(machine, null, "acme", IMAGE, Package.custom(64, 50, 32, 64),
                List.of(io.gantry.agent.net.TestNics.fabric(true).nic(1)), false);
        return new NodeTask(UUID.randomUUID(), TaskKind.PROVISION, machine, spec, null, null, Instant.now());
    }

    private static NodeTask start(UUID machine) {
        return new NodeTask(UUID.randomUUID(), TaskKind.START, machine, null, null, null, Instant.now());
    }

    private void write(NodeTask task) throws Exception {
        provisioner.create().creatingParentsIfNeeded()
                .forPath(ZkPaths.task(NODE, task.id().toString()), Json.write(task).getBytes(StandardCharsets.UTF_8));
    }

    private boolean exists(String path) throws Exception {
        return provisioner.checkExists().forPath(path) != null;
    }

    private TaskResult awaitResult(NodeTask task) throws Exception {
        String id = task.id().toString();
        await().atMost(WAIT).until(() -> exists(ZkPaths.result(NODE, id)) && !exists(ZkPaths.task(NODE, id)));
        return Json.read(new String(provisioner.getData().forPath(ZkPaths.result(NODE, id)), StandardCharsets.UTF_8),
                TaskResult.class);
    }

    private NodeReport report() throws Exception {
        return Json.read(new String(provisioner.getData().forPath(ZkPaths.report(NODE)), StandardCharsets.UTF_8), NodeReport.class);
    }

    @Test
    void createTaskYieldsARunningZoneAResultAndRemovesTheTask() throws Exception {
        startAgent();
        UUID machine = UUID.randomUUID();
        NodeTask task = create(machine);
        write(task);

        TaskResult result = awaitResult(task);
        assertThat(result.ok()).isTrue();
        assertThat(result.taskId()).isEqualTo(task.id());
        assertThat(result.machine()).isEqualTo(machine);
        assertThat(result.state()).isEqualTo(ZoneState.RUNNING);
        assertThat(result.ip()).isNotBlank().isEqualTo(backend.get(machine).ip());
        assertThat(backend.get(machine).state()).isEqualTo(ZoneState.RUNNING);
    }

    @Test
    void tasksRunInCreationOrderOneAtATimeOffTheZooKeeperThread() throws Exception {
        // ids in reverse lexical order, so the order of names and the order of creation disagree
        List<UUID> machines = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            machines.add(UUID.randomUUID());
        }
        List<NodeTask> tasks = new ArrayList<>(machines.stream().map(NodeCoordinatorTest::create).toList());
        tasks.sort(Comparator.comparing((NodeTask t) -> t.id().toString()).reversed());
        for (NodeTask t : tasks) {
            write(t);
        }
        startAgent();
        for (NodeTask t : tasks) {
            awaitResult(t);
        }

        assertThat(backend.calls).extracting(RecordingBackend.Call::zone)
                .containsExactlyElementsOf(tasks.stream().map(NodeTask::machine).toList());
        assertThat(backend.calls).extracting(RecordingBackend.Call::thread).containsOnly("gantry-task-intake-" + NODE);
    }

    @Test
    void redeliveredTaskIsNotDoneTwiceAndGetsTheSameResult() throws Exception {
        startAgent();
        UUID machine = UUID.randomUUID();
        NodeTask task = create(machine);
        write(task);
        TaskResult first = awaitResult(task);

        write(task); // a new leader resuming the job writes the same task again

        await().atMost(WAIT).until(() -> !exists(ZkPaths.task(NODE, task.id().toString())));
        assertThat(awaitResult(task)).isEqualTo(first);
        assertThat(backend.count("create", machine)).isEqualTo(1);
    }

    @Test
    void taskWrittenWhileTheAgentWasDownRunsWhenANewAgentStarts() throws Exception {
        UUID machine = UUID.randomUUID();
        NodeTask created = create(machine);
        startAgent();
        write(created);
        awaitResult(created);
        agents.remove(0).close();

        NodeTask restart = new NodeTask(UUID.randomUUID(), TaskKind.STOP, machine, null, null, 0, Instant.now());
        write(restart);
        Thread.sleep(200);
        assertThat(exists(ZkPaths.task(NODE, restart.id().toString()))).as("nobody takes it while no agent runs").isTrue();

        startAgent();
        TaskResult result = awaitResult(restart);
        assertThat(result.ok()).isTrue();
        assertThat(result.state()).isEqualTo(ZoneState.STOPPED);
        assertThat(backend.count("stop", machine)).isEqualTo(1);
    }

    @Test
    void taskRecordedButNotPublishedBeforeARestartIsPublishedWithoutBeingDoneAgain() throws Exception {
        UUID machine = UUID.randomUUID();
        NodeTask task = create(machine);
        // the previous agent did the task and recorded it, then stopped before it could publish
        TaskResult stored = new TaskResult(task.id(), machine, true, ZoneState.RUNNING, "10.9.9.9", null,
                Instant.parse("2025-01-01T00:00:00Z"));
        new FinishedTasks(stateDir).record(stored);
        write(task);

        startAgent();

        assertThat(awaitResult(task)).isEqualTo(stored);
        assertThat(backend.calls).isEmpty();
    }

    @Test
    void failingTaskGivesOkFalseWithTheReason() throws Exception {
        startAgent();
        UUID unknown = UUID.randomUUID();
        NodeTask task = start(unknown);
        write(task);

        TaskResult result = awaitResult(task);
        assertThat(result.ok()).isFalse();
        assertThat(result.error()).contains(unknown.toString()).contains("does not exist");
        assertThat(result.state()).isNull();
    }

    @Test
    void aTaskWhosePackageIsOutOfRangeFailsWithTheLimitAndMakesNothing() throws Exception {
        startAgent();
        UUID machine = UUID.randomUUID();
        UUID taskId = UUID.randomUUID();
        // as a provisioner that did not check would write it: a memory whose bytes overflow a long
        String json = Json.write(create(machine)).replace("\"memoryMiB\":64", "\"memoryMiB\":9999999999999")
                .replace("\"swapMiB\":64", "\"swapMiB\":9999999999999").replaceFirst("\"id\":\"[^\"]+\"", "\"id\":\"" + taskId + "\"");
        assertThat(json).contains("9999999999999").contains(taskId.toString());
        provisioner.create().creatingParentsIfNeeded().forPath(ZkPaths.task(NODE, taskId.toString()), json.getBytes(StandardCharsets.UTF_8));

        await().atMost(WAIT).until(() -> exists(ZkPaths.result(NODE, taskId.toString())) && !exists(ZkPaths.task(NODE, taskId.toString())));
        TaskResult result = Json.read(new String(provisioner.getData().forPath(ZkPaths.result(NODE, taskId.toString())),
                StandardCharsets.UTF_8), TaskResult.class);
        assertThat(result.ok()).isFalse();
        assertThat(result.error()).isEqualTo("malformed task: memory must be at most 1099511627776 MiB, got 9999999999999 MiB");
        assertThat(backend.find(machine)).isEmpty();
    }

    @Test
    void reportListsTheZones() throws Exception {
        startAgent();
        await().atMost(WAIT).until(() -> exists(ZkPaths.report(NODE)));
        assertThat(report().zones()).isEmpty();

        UUID a = UUID.randomUUID();
        UUID b = UUID.randomUUID();
        write(create(a));
        NodeTask second = create(b);
        write(second);
        awaitResult(second);

        await().atMost(WAIT).until(() -> report().zones().size() == 2);
        NodeReport report = report();
        assertThat(report.node()).isEqualTo(NODE);
        Zone zoneA = backend.get(a);
        assertThat(report.zones().get(a)).isEqualTo(new NodeReport.ReportedZone(ZoneState.RUNNING, zoneA.ip()));
        assertThat(report.zones().get(b).state()).isEqualTo(ZoneState.RUNNING);
    }

    @Test
    void resultThatCannotBePublishedIsPublishedLaterWithoutRedoingTheTask() throws Exception {
        startAgent();
        UUID machine = UUID.randomUUID();
        NodeTask task = create(machine);
        String taskPath = ZkPaths.task(NODE, task.id().toString());
        // a child under the task znode makes the publishing transaction's delete fail (not empty)
        ZkNodes.ensurePersistent(provisioner, ZkPaths.tasks(NODE)); // a transaction makes no parents
        provisioner.transaction().forOperations(
                provisioner.transactionOp().create().forPath(taskPath, Json.write(task).getBytes(StandardCharsets.UTF_8)),
                provisioner.transactionOp().create().forPath(taskPath + "/pin"));
        await().atMost(WAIT).until(() -> new FinishedTasks(stateDir).find(task.id()).isPresent());
        Thread.sleep(300);
        assertThat(exists(ZkPaths.result(NODE, task.id().toString()))).as("the transaction wrote nothing").isFalse();

        provisioner.delete().forPath(taskPath + "/pin");

        assertThat(awaitResult(task).ok()).isTrue();
        assertThat(backend.count("create", machine)).isEqualTo(1);
    }

    @Test
    void resultIsPublishedOnceZooKeeperIsBack() throws Exception {
        CountDownLatch inCreate = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        backend = new RecordingBackend(new SimulatedZoneBackend(Set.of(IMAGE), Clock.systemUTC())) {
            @Override
            public Zone create(ZoneSpec spec) {
                inCreate.countDown();
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return super.create(spec);
            }
        };
        startAgent();
        UUID machine = UUID.randomUUID();
        NodeTask task = create(machine);
        write(task);
        assertThat(inCreate.await(10, TimeUnit.SECONDS)).isTrue();

        zk.stopServer(); // the task is done while ZooKeeper is away: the result cannot be published
        release.countDown();
        await().atMost(WAIT).until(() -> new FinishedTasks(stateDir).find(task.id()).isPresent());
        zk.startServer();

        TaskResult result = awaitResult(task);
        assertThat(result.ok()).isTrue();
        assertThat(backend.count("create", machine)).isEqualTo(1);
    }
}
