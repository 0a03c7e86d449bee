package io.gantry.provisioner;

import static org.awaitility.Awaitility.await;

import io.gantry.common.Json;
import io.gantry.common.coord.NodeAdvert;
import io.gantry.common.coord.NodeCapacity;
import io.gantry.common.coord.NodeReport;
import io.gantry.common.coord.NodeTask;
import io.gantry.common.coord.TaskResult;
import io.gantry.common.coord.ZkPaths;
import io.gantry.common.limits.OverprovisionRatios;
import io.gantry.provisioner.placement.ClusterState;
import io.gantry.provisioner.placement.NodeInfo;
import io.gantry.provisioner.placement.PlacementEngine;
import io.gantry.provisioner.placement.PlacementPolicy;
import io.gantry.provisioner.placement.Strategy;
import io.gantry.testkit.TestZooKeeper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.random.RandomGenerator;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;

/**
 * The leader's parts wired as {@link LeaderLoop} wires them, on a real ZooKeeper (a namespace of its
 * own on the test JVM's shared {@link TestZooKeeper}) and an in-memory record, for driving one step at a time.
 */
final class StepRig implements AutoCloseable {
    static final Duration SETTLE = Duration.ofSeconds(10);

    final FakeJobRecords records = new FakeJobRecords();
    final ClusterState cluster = new ClusterState();
    final Wakeups wakeups = new Wakeups();
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final ProvisionerMetrics metrics = new ProvisionerMetrics(registry);
    /** What the step hook saw, as "job step". */
    final List<String> steps = new CopyOnWriteArrayList<>();
    final CuratorFramework zk;
    final NodeWatcher watcher;
    final LeaderParts leader;
    final DispatchStep dispatch;
    final PlaceStep place;
    final CollectStep collect;
    private boolean running = true;

    StepRig(TestZooKeeper server) throws Exception {
        zk = client(server, "rig-" + UUID.randomUUID());
        watcher = new NodeWatcher(zk, cluster, wakeups);
        leader = new LeaderParts(zk, records, cluster, watcher, metrics, (job, step) -> steps.add(job + " " + step));
        dispatch = new DispatchStep(leader);
        PlacementEngine engine = new PlacementEngine(cluster, new PlacementPolicy(new OverprovisionRatios(1.0, 1.0), Strategy.SPREAD, 3),
                RandomGenerator.getDefault());
        place = new PlaceStep(leader, engine, dispatch);
        collect = new CollectStep(leader, dispatch);
        watcher.start();
        if (!watcher.awaitInitialized(SETTLE)) {
            throw new IllegalStateException("the node watcher did not load ZooKeeper's nodes");
        }
    }

    static CuratorFramework client(TestZooKeeper server, String namespace) throws InterruptedException {
        CuratorFramework client = CuratorFrameworkFactory.builder().connectString(server.connectString()).namespace(namespace)
                .sessionTimeoutMs(5000).connectionTimeoutMs(5000).retryPolicy(new RetryOneTime(200)).build();
        client.start();
        if (!client.blockUntilConnected(10, java.util.concurrent.TimeUnit.SECONDS)) {
            client.close();
            throw new IllegalStateException("no connection to the test ZooKeeper");
        }
        return client;
    }

    JobRunner runner() {
        return new JobRunner(leader, List.of(place, dispatch, collect), () -> running);
    }

    /** The node's advert, as its agent writes it; returns once the watcher has seen it. */
    void advertise(String node, long memoryMiB) throws Exception {
        NodeAdvert advert = new NodeAdvert(node, "127.0.0.1", "simulated", new NodeCapacity(memoryMiB, 100_000, 4), Map.of("zone", "a"),
                Instant.now());
        zk.create().creatingParentsIfNeeded().withMode(CreateMode.EPHEMERAL).forPath(ZkPaths.alive(node), bytes(advert));
        await().atMost(SETTLE).until(() -> cluster.node(node).map(NodeInfo::alive).orElse(false));
    }

    /** The node's advert goes, as when its agent's session ends; returns once the watcher has seen it. */
    void loseNode(String node) throws Exception {
        zk.delete().forPath(ZkPaths.alive(node));
        await().atMost(SETTLE).until(() -> watcher.lostNodes().contains(node));
    }

    void report(String node, Map<UUID, NodeReport.ReportedZone> zones) throws Exception {
        NodeReport report = new NodeReport(node, zones, Instant.now());
        if (zk.checkExists().forPath(ZkPaths.report(node)) == null) {
            zk.create().creatingParentsIfNeeded().forPath(ZkPaths.report(node), bytes(report));
        } else {
            zk.setData().forPath(ZkPaths.report(node), bytes(report));
        }
        await().atMost(SETTLE).until(() -> watcher.report(node).map(r -> r.zones().equals(report.zones())).orElse(false));
    }

    /** The node answers the job's task as an agent does: the answer written, the task removed. */
    void answer(String node, UUID job, TaskResult result) throws Exception {
        zk.create().creatingParentsIfNeeded().forPath(ZkPaths.result(node, job.toString()), bytes(result));
        try {
            zk.delete().forPath(ZkPaths.task(node, job.toString()));
        } catch (KeeperException.NoNodeException e) {
            // not written (the test answers a job it never dispatched)
        }
        await().atMost(SETTLE).until(() -> watcher.result(node, job).isPresent());
    }

    static TaskResult ok(UUID job, UUID machine, io.gantry.common.ZoneState state, String ip) {
        return new TaskResult(job, machine, true, state, ip, null, Instant.now());
    }

    List<String> tasks(String node) throws Exception {
        return children(ZkPaths.tasks(node));
    }

    List<String> results(String node) throws Exception {
        return children(ZkPaths.results(node));
    }

    private List<String> children(String path) throws Exception {
        try {
            return zk.getChildren().forPath(path);
        } catch (KeeperException.NoNodeException e) {
            return List.of();
        }
    }

    NodeTask task(String node, UUID job) throws Exception {
        return Json.read(new String(zk.getData().forPath(ZkPaths.task(node, job.toString())), StandardCharsets.UTF_8), NodeTask.class);
    }

    static byte[] bytes(Object value) {
        return Json.write(value).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        running = false;
        watcher.close();
        zk.close();
    }
}
