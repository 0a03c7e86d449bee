package io.gantry.agent.net;

import io.gantry.common.Json;
import io.gantry.common.coord.NodeAdvert;
import io.gantry.common.coord.ZkPaths;
import io.gantry.common.net.NetViewCodec;
import io.gantry.common.net.NodeUnderlay;
import io.gantry.common.net.TenantNetView;
import java.io.Closeable;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the node's overlay and its zones' firewalls as the tenants' views say: watches {@code /gantry/netviews} and
 * the nodes' adverts (for their underlays) with Curator caches and, on every change, hands the whole wanted state to
 * {@link NodeNetwork}, which applies the difference. A view older than the one applied for its account is ignored.
 * Applying runs on the watcher's own thread; changes arriving meanwhile are applied together next.
 */
public final class NetViewWatcher implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(NetViewWatcher.class);

    private final String node;
    private final NodeNetwork network;
    private final CuratorCache views;
    private final CuratorCache nodes;
    private final ExecutorService thread;
    private final AtomicBoolean queued = new AtomicBoolean();
    private final Map<UUID, TenantNetView> accepted = new HashMap<>();
    private final AtomicLong applied = new AtomicLong();

    private NetViewWatcher(CuratorFramework client, String node, NodeNetwork network) {
        this.node = node;
        this.network = network;
        this.views = CuratorCache.build(client, ZkPaths.NETVIEWS);
        this.nodes = CuratorCache.build(client, ZkPaths.NODES);
        this.thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "gantry-netviews-" + node);
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts watching with an already started client; the first apply follows as soon as the caches are filled. */
    public static NetViewWatcher start(CuratorFramework client, String node, NodeNetwork network) {
        NetViewWatcher watcher = new NetViewWatcher(client, node, network);
        CuratorCacheListener any = CuratorCacheListener.builder().forAll((type, before, after) -> {
            ChildData data = after != null ? after : before;
            if (data == null || data.getPath().startsWith(ZkPaths.NETVIEWS) || data.getPath().endsWith("/alive")) {
                watcher.applySoon();
            }
        }).forInitialized(watcher::applySoon).build();
        watcher.views.listenable().addListener(any);
        watcher.nodes.listenable().addListener(any);
        watcher.views.start();
        watcher.nodes.start();
        return watcher;
    }

    /** How many times the wanted state was applied (tests wait on it). */
    public long applied() {
        return applied.get();
    }

    private void applySoon() {
        if (queued.compareAndSet(false, true)) {
            try {
                thread.execute(() -> {
                    queued.set(false);
                    apply();
                });
            } catch (RejectedExecutionException closed) {
                queued.set(false);
            }
        }
    }

    private void apply() {
        try {
            Map<String, NodeUnderlay> underlays = new HashMap<>();
            nodes.stream().filter(d -> d.getPath().endsWith("/alive") && d.getData() != null).forEach(d -> {
                NodeAdvert advert = read(d, NodeAdvert.class);
                if (advert != null && advert.underlay() != null) {
                    underlays.put(advert.node(), advert.underlay());
                }
            });
            Set<UUID> present = new HashSet<>();
            views.stream().filter(d -> d.getPath().startsWith(ZkPaths.NETVIEWS + "/") && d.getData() != null).forEach(d -> {
                TenantNetView view = readView(d);
                if (view != null && view.account() != null) {
                    present.add(view.account());
                    TenantNetView known = accepted.get(view.account());
                    if (known == null || view.generation() >= known.generation()) {
                        accepted.put(view.account(), view);
                    }
                }
            });
            accepted.keySet().retainAll(present);
            Map<Integer, Set<NodeNetwork.RemoteNic>> overlay = new HashMap<>();
            Map<UUID, TenantNetView.MachineFirewall> firewalls = new HashMap<>();
            for (TenantNetView view : accepted.values()) {
                for (TenantNetView.NicPlacement nic : view.nics()) {
                    NodeUnderlay where = nic.node() == null ? null : underlays.get(nic.node());
                    if (nic.vni() != null && where != null && !nic.node().equals(node)) {
                        overlay.computeIfAbsent(nic.vni(), v -> new HashSet<>())
                                .add(new NodeNetwork.RemoteNic(nic.mac(), nic.ip(), where.ip(), where.vxlanPort()));
                    }
                }
                for (TenantNetView.MachineFirewall fw : view.firewalls()) {
                    firewalls.put(fw.machine(), fw);
                }
            }
            network.setOverlay(overlay);
            network.setFirewalls(firewalls);
            applied.incrementAndGet();
        } catch (RuntimeException e) {
            LOG.error("node {}: cannot apply the network views: {}", node, e.toString());
        }
    }

    /** A view's znode: its JSON, gzipped when large ({@link NetViewCodec}). */
    private TenantNetView readView(ChildData data) {
        try {
            return NetViewCodec.decode(data.getData());
        } catch (RuntimeException e) {
            LOG.warn("node {}: ignoring {}: {}", node, data.getPath(), e.getMessage());
            return null;
        }
    }

    private <T> T read(ChildData data, Class<T> type) {
        try {
            return Json.read(new String(data.getData(), StandardCharsets.UTF_8), type);
        } catch (RuntimeException e) {
            LOG.warn("node {}: ignoring {}: {}", node, data.getPath(), e.getMessage());
            return null;
        }
    }

    @Override
    public void close() {
        views.close();
        nodes.close();
        thread.shutdownNow();
        try {
            thread.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
