package io.gantry.bench.net;

import io.gantry.agent.net.ZoneFirewall;
import io.gantry.common.Json;
import io.gantry.common.coord.ZkPaths;
import io.gantry.common.net.TenantNetView;
import io.gantry.common.net.TenantNetView.MachineFirewall;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;

/**
 * A bench-side follower of one account's {@link TenantNetView} in ZooKeeper (a Curator cache) that applies one
 * machine's firewall to its zone's namespace with the agent's {@link ZoneFirewall}, skipping views no newer than the
 * one applied, on one thread, and notes when each view arrived and was applied: it splits the chain's time, which the
 * agent's {@code NetViewWatcher} (measured as a chain of its own) does not expose.
 */
final class ViewFollower implements AutoCloseable {
    private final CuratorCache cache;
    private final ExecutorService applier = Executors.newSingleThreadExecutor(r -> new Thread(r, "bench-view-follower"));
    private final ZoneFirewall zoneFirewall = new ZoneFirewall();
    private final UUID machine;
    private final String zoneNetns;
    private volatile long applied = -1;
    private final java.util.concurrent.BlockingDeque<Step> steps = new java.util.concurrent.LinkedBlockingDeque<>();

    /** When a new view reached this follower (the cache's event) and when its firewall was in place, in nanoTime. */
    record Step(long generation, long seenNanos, long appliedNanos) {
    }

    ViewFollower(CuratorFramework zk, UUID account, UUID machine, String zoneNetns) {
        this.machine = machine;
        this.zoneNetns = zoneNetns;
        this.cache = CuratorCache.build(zk, ZkPaths.netview(account));
        cache.listenable().addListener(CuratorCacheListener.builder()
                .forCreatesAndChanges((before, after) -> {
                    long seen = System.nanoTime();
                    applier.execute(() -> apply(after.getData(), seen));
                })
                .build());
        cache.start();
    }

    long appliedGeneration() {
        return applied;
    }

    /** The first step whose view arrived after {@code nanos}, waiting for it up to {@code limit}. */
    Step awaitStepAfter(long nanos, java.time.Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            for (Step s : steps) {
                if (s.seenNanos() >= nanos) {
                    return s;
                }
            }
            Thread.sleep(2);
        }
        throw new IllegalStateException("no view reached the follower within " + limit);
    }

    private void apply(byte[] data, long seen) {
        TenantNetView view = Json.read(new String(data, StandardCharsets.UTF_8), TenantNetView.class);
        if (view.generation() <= applied) {
            return;
        }
        MachineFirewall fw = view.firewalls().stream().filter(f -> machine.equals(f.machine())).findFirst()
                .orElse(new MachineFirewall(machine, false, java.util.List.of()));
        zoneFirewall.apply(zoneNetns, fw);
        applied = view.generation();
        steps.add(new Step(view.generation(), seen, System.nanoTime()));
    }

    @Override
    public void close() {
        cache.close();
        applier.shutdownNow();
    }
}
