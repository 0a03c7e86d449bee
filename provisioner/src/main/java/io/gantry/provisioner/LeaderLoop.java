package io.gantry.provisioner;

import io.gantry.common.Json;
import io.gantry.common.JobKind;
import io.gantry.common.JobState;
import io.gantry.common.MachineLifecycle;
import io.gantry.common.Package;
import io.gantry.common.ResourceUpdate;
import io.gantry.common.ZoneSpec;
import io.gantry.common.ZoneState;
import io.gantry.common.coord.NodeAdvert;
import io.gantry.common.coord.NodeReport;
import io.gantry.common.coord.NodeTask;
import io.gantry.common.coord.TaskResult;
import io.gantry.common.coord.ZkPaths;
import io.gantry.provisioner.placement.ClusterState;
import io.gantry.provisioner.placement.NodeInfo;
import io.gantry.provisioner.placement.PlacedMachine;
import io.gantry.provisioner.placement.PlacementDecision;
import io.gantry.provisioner.placement.PlacementEngine;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.random.RandomGenerator;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the leader does, on its own thread, until it steps down. A job moves queued → placed →
 * dispatched → succeeded/failed; each step is committed before the next, and each is safe to repeat,
 * so a new leader simply carries on from what the database says.
 */
public final class LeaderLoop implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LeaderLoop.class);

    /** Sees every job step as it is committed; tests use it to stop a leader between two steps. */
    public interface StepHook {
        StepHook NONE = (job, step) -> {
        };

        void after(UUID job, String step);
    }

    private final CuratorFramework zk;
    private final ProvisionerConfig config;
    private final StepHook hook;
    private final ProvisionerMetrics metrics;
    private final JobStore store;
    private final ClusterState cluster = new ClusterState();
    private final PlacementEngine engine;
    private final CuratorCache nodes;
    private final Map<String, Boolean> alive = new ConcurrentHashMap<>();
    private final Set<String> reportsToApply = ConcurrentHashMap.newKeySet();
    private final Set<String> lostNodes = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;
    private final Thread listener;
    /** Open once the cache holds every node ZooKeeper knows: no placement before that. */
    private final java.util.concurrent.CountDownLatch nodesKnown = new java.util.concurrent.CountDownLatch(1);

    LeaderLoop(CuratorFramework zk, ProvisionerConfig config, StepHook hook, ProvisionerMetrics metrics) {
        this.zk = zk;
        this.metrics = metrics;
        this.config = config;
        this.hook = hook;
        this.store = new JobStore(config.jdbcUrl(), config.dbUser(), config.dbPassword());
        this.engine = new PlacementEngine(cluster, config.placement(), RandomGenerator.getDefault());
        this.nodes = CuratorCache.build(zk, ZkPaths.NODES);
        this.thread = new Thread(this::run, "gantry-provisioner-leader");
        this.thread.setDaemon(true);
        this.listener = new Thread(this::listenForJobs, "gantry-provisioner-job-notifications");
        this.listener.setDaemon(true);
    }

    void start() {
        nodes.listenable().addListener(CuratorCacheListener.builder()
                .forCreatesAndChanges((before, after) -> {
                    onNodeData(after);
                    onResult(after);
                })
                .forDeletes(this::onNodeDeleted)
                .forInitialized(nodesKnown::countDown)
                .build());
        nodes.start();
        thread.start();
        listener.start();
    }

    private void onNodeData(ChildData data) {
        String[] parts = data.getPath().split("/");
        if (parts.length != 5) {
            return;
        }
        String node = parts[3];
        switch (parts[4]) {
            case "alive" -> {
                NodeAdvert advert = Json.read(new String(data.getData(), StandardCharsets.UTF_8), NodeAdvert.class);
                cluster.upsertNode(new NodeInfo(node, advert.capacity(), advert.traits(), true));
                alive.put(node, true);
                lostNodes.remove(node);
                reportsToApply.add(node);
            }
            case "report" -> reportsToApply.add(node);
            default -> {
            }
        }
        wake();
    }

    private void onResult(ChildData data) {
        String[] parts = data.getPath().split("/");
        if (parts.length == 6 && parts[4].equals("results")) {
            wake();
        }
    }

    private void onNodeDeleted(ChildData data) {
        String[] parts = data.getPath().split("/");
        if (parts.length == 5 && parts[4].equals("alive")) {
            String node = parts[3];
            cluster.setAlive(node, false);
            alive.put(node, false);
            lostNodes.add(node);
            wake();
        }
    }

    private final Object wakeup = new Object();
    private boolean woken;

    /** Something changed (a job was queued, a result or a node came or went): look again now. */
    private void wake() {
        synchronized (wakeup) {
            woken = true;
            wakeup.notifyAll();
        }
    }

    private void awaitWake() throws InterruptedException {
        synchronized (wakeup) {
            long deadline = System.nanoTime() + config.pollInterval().toNanos();
            while (!woken) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                wakeup.wait(Math.max(1, left / 1_000_000));
            }
            woken = false;
        }
    }

    /** Turns the cloud API's NOTIFY into a wake-up, on its own thread and database connection. */
    private void listenForJobs() {
        while (running.get()) {
            try {
                if (store.awaitJobs(java.time.Duration.ofSeconds(1))) {
                    wake();
                }
            } catch (Exception e) {
                if (running.get()) {
                    LOG.debug("job notifications: {}; polling meanwhile", e.toString());
                    sleepQuietly(1000);
                }
            }
        }
    }

    private void run() {
        try {
            while (running.get() && !nodesKnown.await(1, java.util.concurrent.TimeUnit.SECONDS)) {
                LOG.info("leader waits for ZooKeeper's list of nodes");
            }
        } catch (InterruptedException e) {
            return;
        }
        // placing without every booking would double-book: no placement until the record has been read
        while (running.get()) {
            try {
                rebuildBookings();
                break;
            } catch (Exception e) {
                LOG.error("leader cannot read the bookings from the record: {}; retrying", e.getMessage());
                sleepQuietly(1000);
            }
        }
        try {
            removeCollectedResults();
        } catch (Exception e) {
            LOG.warn("leader cannot remove the answers of finished jobs: {}; the next leader tries again", e.toString());
        }
        while (running.get()) {
            try {
                handleLostNodes();
                applyReports();
                boolean anyNodeAlive = alive.containsValue(true);
                for (OpenJob job : firstJobPerMachine(store.openJobs())) {
                    if (!running.get()) {
                        return;
                    }
                    if (!anyNodeAlive && job.state() == JobState.QUEUED && job.action() == JobKind.PROVISION) {
                        continue; // no node is up (yet): the job waits rather than fails
                    }
                    advanceOne(job);
                }
                metrics.nodes(cluster);
                awaitWake();
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                if (running.get()) {
                    LOG.warn("leader loop: {}; retrying", e.toString());
                    sleepQuietly(1000);
                }
            }
        }
    }

    private void rebuildBookings() throws Exception {
        for (JobStore.Booked b : store.bookings()) {
            if (cluster.node(b.node()).isEmpty()) {
                // the node has not announced itself (yet); book against an unknown, not-alive node
                cluster.upsertNode(new NodeInfo(b.node(), new io.gantry.common.coord.NodeCapacity(0, 0, 0), Map.of(), false));
            }
            cluster.book(b.node(), new PlacedMachine(b.machine(), b.tenant(), b.name(), b.tags(), b.memoryMiB(), b.diskMiB(), b.vcpus()));
        }
    }

    /**
     * Answers of finished jobs that a leader collected but died before removing (collect() finishes the
     * job first, then removes the answer): nobody reads them again, so they would stay in ZooKeeper for
     * good. Found in the cache of the nodes' subtree, which holds every answer: no extra round trips.
     */
    private void removeCollectedResults() throws Exception {
        Map<UUID, String> answers = new java.util.HashMap<>();
        nodes.stream().map(ChildData::getPath).forEach(path -> {
            String[] parts = path.split("/"); // "", gantry, nodes, <node>, results, <job>
            if (parts.length == 6 && parts[4].equals("results")) {
                try {
                    answers.put(UUID.fromString(parts[5]), path);
                } catch (IllegalArgumentException e) {
                    // not named by a job: not the provisioner's to remove
                }
            }
        });
        if (answers.isEmpty()) {
            return;
        }
        Set<UUID> finished = store.finishedAmong(answers.keySet());
        for (UUID job : finished) {
            try {
                zk.delete().forPath(answers.get(job));
            } catch (KeeperException.NoNodeException e) {
                // removed meanwhile
            }
        }
        if (!finished.isEmpty()) {
            LOG.info("removed {} answers of finished jobs that an earlier leader left behind", finished.size());
        }
    }

    private static List<OpenJob> firstJobPerMachine(List<OpenJob> jobs) {
        Set<UUID> seen = new HashSet<>();
        return jobs.stream().filter(j -> seen.add(j.machine().id())).toList();
    }

    /** One job's step; its trouble stays its own: the other jobs go on. */
    private void advanceOne(OpenJob job) throws Exception {
        try {
            advance(job);
        } catch (io.gantry.common.GantryException e) {
            // the request itself cannot be carried out (e.g. an affinity rule placement cannot read)
            LOG.info("job {} ({} of machine {}) failed: {}", job.id(), job.action().wireName(), job.machine().id(), e.getMessage());
            if (job.action() == JobKind.PROVISION) {
                cluster.release(job.machine().id());
            }
            finish(job, job.action() == JobKind.PROVISION ? ZoneState.FAILED : job.machine().state(), null, e.getMessage());
        } catch (java.sql.SQLException e) {
            throw e; // the record is unreachable: the whole loop waits and retries
        } catch (Exception e) {
            LOG.warn("job {}: {}; will retry", job.id(), e.toString());
        }
    }

    private void advance(OpenJob job) throws Exception {
        switch (job.state()) {
            case QUEUED -> place(job);
            case PLACED -> dispatch(job, job.node());
            case DISPATCHED -> collect(job);
            case SUCCEEDED, FAILED -> throw new IllegalStateException("job " + job.id() + " is finished, not open");
        }
    }

    private void place(OpenJob job) throws Exception {
        var m = job.machine();
        if (job.action() != JobKind.PROVISION) {
            if (m.computeNode() == null) {
                // never placed (its provision failed before placement): nothing on any node to act on
                boolean delete = job.action() == JobKind.DELETE;
                finish(job, delete ? ZoneState.DELETED : m.state(), null,
                        delete ? null : "the machine was never placed on a node");
                return;
            }
            if (job.action() == JobKind.RESIZE && !engine.resize(m.id(), m.memoryMiB(), m.diskMiB())) {
                var usage = cluster.usage(m.computeNode());
                finish(job, m.state(), null, "node " + m.computeNode() + " has no room for the new size ("
                        + m.memoryMiB() + " MiB of memory; " + usage.memoryMiB() + " MiB are booked there); machines are not moved between nodes");
                return;
            }
            if (!store.markPlaced(job.id(), m.id(), m.computeNode(), null)) {
                return;
            }
            hook.after(job.id(), "placed");
            dispatch(job, m.computeNode());
            return;
        }
        String node;
        Map<String, Object> placement = null; // how the node was chosen, for the audit
        var existing = cluster.nodeOf(m.id());
        if (existing.isPresent()) {
            node = existing.get();
        } else {
            PlacementDecision decision = engine.place(m.placementRequest());
            if (decision instanceof PlacementDecision.NoFit noFit) {
                LOG.info("machine {} cannot be placed: {}", m.id(), noFit.explained());
                metrics.noFit(noFit.rejectedBy());
                finish(job, ZoneState.FAILED, null, noFit.explained());
                return;
            }
            var chosen = (PlacementDecision.Placed) decision;
            node = chosen.node();
            placement = chosen.breakdown();
            metrics.placed();
        }
        boolean placed;
        try {
            placed = store.markPlaced(job.id(), m.id(), node, placement);
        } catch (Exception e) {
            cluster.release(m.id());
            throw e;
        }
        if (!placed) {
            cluster.release(m.id()); // another leader moved the job on meanwhile
            return;
        }
        hook.after(job.id(), "placed");
        dispatch(job, node);
    }

    private void dispatch(OpenJob job, String node) throws Exception {
        NodeTask task = taskFor(job);
        if (zk.checkExists().forPath(ZkPaths.result(node, job.id().toString())) != null) {
            store.markDispatched(job.id()); // the node already answered (before a leader change): just collect it
            return;
        }
        try {
            zk.create().creatingParentsIfNeeded().withMode(CreateMode.PERSISTENT)
                    .forPath(ZkPaths.task(node, job.id().toString()), Json.write(task).getBytes(StandardCharsets.UTF_8));
        } catch (KeeperException.NodeExistsException e) {
            // written before a leader change: the same task
        }
        hook.after(job.id(), "task-written");
        store.markDispatched(job.id());
        hook.after(job.id(), "dispatched");
    }

    /** A resize carries the new package's name (the zone is metered under it); a throttle is no package change. */
    static NodeTask taskFor(OpenJob job) {
        var m = job.machine();
        Package pkg = new Package(m.packageName(), m.memoryMiB(), m.swapMiB(), m.vcpus(), m.effectiveCpuCap(), m.lwps(), m.diskMiB());
        return switch (job.action()) {
            case PROVISION -> new NodeTask(job.id(), job.action().task(), m.id(),
                    new ZoneSpec(m.id(), m.name(), m.account().toString(), String.valueOf(job.params().get("image")), pkg),
                    null, null, Instant.now());
            case RESIZE -> new NodeTask(job.id(), job.action().task(), m.id(), null,
                    new ResourceUpdate(pkg.memoryMiB(), pkg.swapMiB(), pkg.vcpus(), pkg.cpuCap(), pkg.lwps(), pkg.diskMiB(), pkg.name()),
                    null, Instant.now());
            case THROTTLE -> new NodeTask(job.id(), job.action().task(), m.id(), null,
                    new ResourceUpdate(null, null, null, pkg.cpuCap(), null, null, null), null, Instant.now());
            case START, STOP, REBOOT, DELETE -> new NodeTask(job.id(), job.action().task(), m.id(), null, null, 10, Instant.now());
        };
    }

    private void finish(OpenJob job, ZoneState machineState, String ip, String error) throws java.sql.SQLException {
        store.finish(job, machineState, ip, error);
        metrics.jobFinished(job.action().wireName(), error == null);
    }

    private void collect(OpenJob job) throws Exception {
        String path = ZkPaths.result(job.node(), job.id().toString());
        byte[] data;
        try {
            data = zk.getData().forPath(path);
        } catch (KeeperException.NoNodeException e) {
            if (zk.checkExists().forPath(ZkPaths.task(job.node(), job.id().toString())) == null) {
                dispatch(job, job.node()); // the task vanished without a result (e.g. lost with a ZooKeeper reset): write it again
            }
            return;
        }
        TaskResult result = Json.read(new String(data, StandardCharsets.UTF_8), TaskResult.class);
        ZoneState after = MachineLifecycle.afterResult(job.action(), job.machine().state(), result);
        finish(job, after, result.ip(), result.ok() ? null : result.error());
        hook.after(job.id(), "finished");
        if (after == ZoneState.DELETED || after == ZoneState.FAILED) {
            cluster.release(job.machine().id());
        } else if (job.action() == JobKind.RESIZE && !result.ok()) {
            long[] size = store.sizeOf(job.machine().id()); // finish() put the old package back
            cluster.resize(job.machine().id(), size[0], size[1]);
        }
        // the task first: an agent still answering a redelivered copy then fails its whole publish
        // (result + task delete are one transaction) instead of leaving a result nobody collects
        for (String done : new String[] {ZkPaths.task(job.node(), job.id().toString()), path}) {
            try {
                zk.delete().forPath(done);
            } catch (KeeperException.NoNodeException e) {
                // already cleaned up
            }
        }
    }

    private void handleLostNodes() throws Exception {
        for (String node : List.copyOf(lostNodes)) {
            if (Boolean.FALSE.equals(alive.get(node))) {
                int n = store.markNodeUnknown(node);
                LOG.warn("node {} lost its ZooKeeper session; {} machines marked unknown", node, n);
            }
            lostNodes.remove(node);
        }
    }

    /** The node is the truth for what it runs: settle recorded states to the agent's report. */
    private void applyReports() throws Exception {
        for (String node : List.copyOf(reportsToApply)) {
            reportsToApply.remove(node);
            if (!Boolean.TRUE.equals(alive.get(node))) {
                continue;
            }
            byte[] data;
            try {
                data = zk.getData().forPath(ZkPaths.report(node));
            } catch (KeeperException.NoNodeException e) {
                continue;
            }
            NodeReport report = Json.read(new String(data, StandardCharsets.UTF_8), NodeReport.class);
            for (var entry : store.settledMachinesOn(node).entrySet()) {
                NodeReport.ReportedZone seen = report.zones().get(entry.getKey());
                if (seen == null) {
                    continue;
                }
                var next = MachineLifecycle.fromReport(entry.getValue(), seen.state());
                if (next.isPresent()) {
                    store.setState(entry.getKey(), next.get(), seen.ip());
                }
            }
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        running.set(false);
        thread.interrupt();
        try {
            thread.join(5000);
            listener.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        nodes.close();
        store.close();
    }
}
