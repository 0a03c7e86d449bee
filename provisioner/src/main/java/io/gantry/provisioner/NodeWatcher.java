package io.gantry.provisioner;

import io.gantry.common.Json;
import io.gantry.common.coord.NodeAdvert;
import io.gantry.common.coord.NodeReport;
import io.gantry.common.coord.TaskResult;
import io.gantry.common.coord.ZkPaths;
import io.gantry.common.coord.ZkPaths.NodePath;
import io.gantry.provisioner.liveness.NodeBeats;
import io.gantry.provisioner.placement.ClusterState;
import io.gantry.provisioner.placement.NodeInfo;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;

/**
 * The leader's eyes on the nodes' subtree of ZooKeeper, one {@link CuratorCache} of it: a node's
 * advert puts it (alive) into the {@link ClusterState}, the advert's deletion marks it lost, and a new
 * advert or report notes that the node's report should be applied. A node is alive while its advert is there and
 * its beats are not silent ({@link SilenceWatch}); silence marks it lost as the advert's deletion does, and its
 * beats coming back make it alive again with its report applied anew. Every change that may let a job
 * move on wakes the leader. The cache holds every report and result, so nobody reads them from
 * ZooKeeper again.
 */
final class NodeWatcher implements AutoCloseable {
    private final ClusterState cluster;
    private final Wakeups wakeups;
    private final NodesCache nodes;
    private final boolean owned;
    private final CuratorCache cache;
    private final CuratorCacheListener listener;
    private final NodeBeats beats;
    // advert there or not, by node
    private final Map<String, Boolean> advertised = new ConcurrentHashMap<>();
    private final Set<String> silent = ConcurrentHashMap.newKeySet();
    private final Set<String> freshReports = ConcurrentHashMap.newKeySet();
    private final Set<String> lost = ConcurrentHashMap.newKeySet();
    private final CountDownLatch initialized = new CountDownLatch(1);
    // what NodeRecorder writes to the record: kept after a node is lost
    private final Map<String, NodeAdvert> adverts = new ConcurrentHashMap<>();
    private final Map<String, Instant> lastSeen = new ConcurrentHashMap<>();
    private final Map<String, Integer> reportedZones = new ConcurrentHashMap<>();

    /** A watcher that hears no beats: nodes are judged by their adverts alone. */
    NodeWatcher(CuratorFramework zk, ClusterState cluster, Wakeups wakeups) {
        this(zk, cluster, wakeups, new NodeBeats());
    }

    /** A watcher on a cache of its own, started and closed with it. */
    NodeWatcher(CuratorFramework zk, ClusterState cluster, Wakeups wakeups, NodeBeats beats) {
        this(new NodesCache(zk), true, cluster, wakeups, beats);
    }

    /** A watcher on the provisioner's cache, which stays open after this term. */
    NodeWatcher(NodesCache nodes, ClusterState cluster, Wakeups wakeups, NodeBeats beats) {
        this(nodes, false, cluster, wakeups, beats);
    }

    private NodeWatcher(NodesCache nodes, boolean owned, ClusterState cluster, Wakeups wakeups, NodeBeats beats) {
        this.nodes = nodes;
        this.owned = owned;
        this.beats = beats;
        this.cluster = cluster;
        this.wakeups = wakeups;
        this.cache = nodes.cache();
        this.listener = CuratorCacheListener.builder()
                .forCreatesAndChanges((before, after) -> onData(after))
                .forDeletes(this::onDeleted)
                .build();
    }

    void start() {
        cache.listenable().addListener(listener);
        if (owned) {
            nodes.start();
        }
    }

    /**
     * Waits until the cache holds every node ZooKeeper knows, then takes in everything it holds (adverts first); true
     * once it has. Changes seen meanwhile by the listener are taken in too: each is applied as often as it comes.
     */
    boolean awaitInitialized(Duration timeout) throws InterruptedException {
        if (initialized()) {
            return true;
        }
        if (!nodes.awaitLoaded(timeout)) {
            return false;
        }
        synchronized (this) {
            List<ChildData> all = cache.stream()
                    .sorted(java.util.Comparator.comparing((ChildData d) -> !d.getPath().endsWith("/alive")))
                    .toList();
            all.forEach(this::onData);
            initialized.countDown();
        }
        return true;
    }

    private synchronized void onData(ChildData data) {
        Optional<NodePath> path = ZkPaths.parseNodePath(data.getPath());
        if (path.isEmpty()) {
            return;
        }
        String node = path.get().node();
        switch (path.get().kind()) {
            case ALIVE -> {
                NodeAdvert advert = Json.read(text(data), NodeAdvert.class);
                if (initialized.getCount() == 0) {
                    beats.sign(node, System.nanoTime()); // a new advert is a sign of life; one read at start is not
                }
                advertised.put(node, true);
                cluster.upsertNode(new NodeInfo(node, advert.capacity(), advert.traits(), isAlive(node)));
                if (isAlive(node)) {
                    lost.remove(node);
                }
                freshReports.add(node);
                adverts.put(node, advert);
                seen(node, Instant.now());
            }
            case REPORT -> {
                freshReports.add(node);
                NodeReport report = Json.read(text(data), NodeReport.class);
                reportedZones.put(node, report.zones().size());
                // a live node's report is news now; a lost node's (read at start) is as old as it says
                seen(node, isAlive(node) || report.at() == null ? Instant.now() : report.at());
            }
            case RESULT -> {
                // a result to collect
            }
            case TASK -> {
                return; // the leader's own writing
            }
        }
        wakeups.wake();
    }

    private synchronized void onDeleted(ChildData data) {
        ZkPaths.parseNodePath(data.getPath())
                .filter(path -> path.kind() == NodePath.Kind.ALIVE)
                .ifPresent(path -> {
                    cluster.setAlive(path.node(), false);
                    advertised.put(path.node(), false);
                    lost.add(path.node());
                    wakeups.wake();
                });
    }

    /**
     * The node's beats fell silent: lost, as if its advert had gone (it is alive again when it beats, its advert still
     * there). True if that made an alive node lost.
     */
    synchronized boolean silenced(String node) {
        boolean wasAlive = isAlive(node);
        silent.add(node);
        if (wasAlive) {
            cluster.setAlive(node, false);
            lost.add(node);
            wakeups.wake();
        }
        return wasAlive;
    }

    /** The node beats again: alive if its advert is there, and its report is applied again (its machines were unknown). True if alive again. */
    synchronized boolean heard(String node) {
        boolean wasAlive = isAlive(node);
        silent.remove(node);
        if (!wasAlive && isAlive(node)) {
            cluster.setAlive(node, true);
            seen(node, Instant.now());
            freshReports.add(node);
            wakeups.wake();
            return true;
        }
        return false;
    }

    boolean isAdvertised(String node) {
        return Boolean.TRUE.equals(advertised.get(node));
    }

    /** True once the cache holds every node ZooKeeper knew at start. */
    boolean initialized() {
        return initialized.getCount() == 0;
    }

    private void seen(String node, Instant at) {
        lastSeen.merge(node, at, (a, b) -> a.isAfter(b) ? a : b);
    }

    /** Every node seen since this leader started watching: its last advert, when last heard from, alive or not. */
    List<NodeSighting> sightings() {
        return lastSeen.entrySet().stream()
                .map(e -> new NodeSighting(e.getKey(), adverts.get(e.getKey()), e.getValue(), isAlive(e.getKey()),
                        reportedZones.get(e.getKey())))
                .toList();
    }

    boolean anyNodeAlive() {
        return advertised.keySet().stream().anyMatch(this::isAlive);
    }

    boolean isAlive(String node) {
        return isAdvertised(node) && !silent.contains(node);
    }

    /** Nodes whose advert went away and whose loss has not been handled yet ({@link #lossHandled}). */
    List<String> lostNodes() {
        return List.copyOf(lost);
    }

    void lossHandled(String node) {
        lost.remove(node);
    }

    /** Nodes with a report (or advert) new since the last call; each is returned once. */
    List<String> takeFreshReports() {
        List<String> out = List.copyOf(freshReports);
        out.forEach(freshReports::remove);
        return out;
    }

    /** The node's report as the cache holds it. */
    Optional<NodeReport> report(String node) {
        return cache.get(ZkPaths.report(node)).map(d -> Json.read(text(d), NodeReport.class));
    }

    /** The node's answer to the job's task, as the cache holds it. */
    Optional<TaskResult> result(String node, UUID job) {
        return cache.get(ZkPaths.result(node, job.toString())).map(d -> Json.read(text(d), TaskResult.class));
    }

    /** True if the cache holds the job's task on the node (it may lag behind ZooKeeper either way). */
    boolean taskCached(String node, UUID job) {
        return cache.get(ZkPaths.task(node, job.toString())).isPresent();
    }

    /** Every answer in the cache named by a job, by job, with its path. */
    Map<UUID, String> resultsByJob() {
        Map<UUID, String> out = new HashMap<>();
        cache.stream().map(ChildData::getPath).forEach(p -> ZkPaths.parseNodePath(p)
                .filter(path -> path.kind() == NodePath.Kind.RESULT)
                .flatMap(NodePath::job)
                .ifPresent(job -> out.put(job, p)));
        return out;
    }

    private static String text(ChildData data) {
        return new String(data.getData(), StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        cache.listenable().removeListener(listener);
        if (owned) {
            nodes.close();
        }
    }
}
