package io.gantry.provisioner.placement;

import io.gantry.common.affinity.AffinityRule;
import static org.assertj.core.api.Assertions.assertThat;

import io.gantry.common.coord.NodeCapacity;
import io.gantry.common.limits.OverprovisionRatios;
import io.gantry.provisioner.placement.PlacementDecision.Placed;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class PlacementEngineConcurrencyTest {
    private static final int THREADS = 8;
    private static final int REQUESTS = 20_000;
    private static final int NODES = 500;

    private record Outcome(PlacementRequest request, String node, boolean released) {
    }

    @Test
    void eightThreadsPlacingAndReleasingNeverDoubleBook() throws Exception {
        ClusterState cluster = new ClusterState();
        OverprovisionRatios ratios = new OverprovisionRatios(1.5, 1.0);
        SplittableRandom setup = new SplittableRandom(2024);
        for (int i = 0; i < NODES; i++) {
            long memory = 4096L * (1 + setup.nextInt(8));                // 4-32 GiB: the cluster overfills
            cluster.upsertNode(new NodeInfo("n" + i, new NodeCapacity(memory, memory * 20, 8),
                    Map.of("ssd", setup.nextBoolean() ? "true" : "false"), setup.nextInt(50) != 0));
        }
        List<PlacementRequest> requests = new ArrayList<>(REQUESTS);
        for (int i = 0; i < REQUESTS; i++) {
            long memory = 256L * (1 + setup.nextInt(16));
            String tenant = "t" + setup.nextInt(20);
            List<AffinityRule> affinity = setup.nextInt(10) == 0
                    ? List.of(AffinityRule.parse("instance!=m" + (i - 1)), AffinityRule.parse("instance!=~m*"))
                    : List.of();
            requests.add(new PlacementRequest(UUID.randomUUID(), tenant, "m" + i, Map.of(), memory, memory * 10,
                    setup.nextInt(20) == 0 ? Map.of("ssd", "true") : Map.of(), affinity));
        }
        // a generator that is not thread-safe: the engine must cope
        PlacementEngine engine = new PlacementEngine(cluster, new PlacementPolicy(ratios, Strategy.PACK, 0),
                RandomGenerator.of("L64X128MixRandom"));

        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<List<Outcome>>> futures = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int first = t;
            futures.add(pool.submit(() -> {
                go.await();
                SplittableRandom rnd = new SplittableRandom(first);
                List<Outcome> mine = new ArrayList<>();
                for (int i = first; i < REQUESTS; i += THREADS) {
                    PlacementRequest r = requests.get(i);
                    if (engine.place(r) instanceof Placed placed) {
                        boolean release = rnd.nextInt(10) == 0;            // a tenth fail to start: released
                        if (release) {
                            assertThat(cluster.release(r.machine())).isTrue();
                        }
                        mine.add(new Outcome(r, placed.node(), release));
                    }
                }
                return mine;
            }));
        }
        go.countDown();
        List<Outcome> outcomes = new ArrayList<>();
        for (Future<List<Outcome>> f : futures) {
            outcomes.addAll(f.get(60, TimeUnit.SECONDS));
        }
        pool.shutdown();

        Map<String, long[]> expected = new HashMap<>();
        long placedMemory = 0;
        for (Outcome o : outcomes) {
            if (o.released()) {
                assertThat(cluster.nodeOf(o.request().machine())).isEmpty();
                continue;
            }
            assertThat(cluster.nodeOf(o.request().machine())).contains(o.node());
            long[] sum = expected.computeIfAbsent(o.node(), n -> new long[3]);
            sum[0] += o.request().memoryMiB();
            sum[1] += o.request().diskMiB();
            sum[2]++;
            placedMemory += o.request().memoryMiB();
        }
        long bookedMemory = 0;
        for (NodeInfo node : cluster.nodes()) {
            NodeUsage usage = cluster.usage(node.name());
            long[] sum = expected.getOrDefault(node.name(), new long[3]);
            assertThat(usage).as(node.name()).isEqualTo(new NodeUsage(sum[0], sum[1], (int) sum[2]));
            assertThat(usage.memoryMiB()).as(node.name()).isLessThanOrEqualTo(ratios.usableMemoryMiB(node.capacity()));
            assertThat(usage.diskMiB()).as(node.name()).isLessThanOrEqualTo(ratios.usableDiskMiB(node.capacity()));
            if (!node.alive()) {
                assertThat(usage.machines()).as(node.name()).isZero();
            }
            bookedMemory += usage.memoryMiB();
        }
        assertThat(bookedMemory).isEqualTo(placedMemory);
        // the cluster was overfull, so capacity was really contended
        assertThat(outcomes.size()).isLessThan(REQUESTS).isGreaterThan(REQUESTS / 4);
    }

    /**
     * Three machines of one tenant placed at the same moment on three empty nodes (the provisioner's job lanes do this
     * when creates arrive together) land one per node, as they would one after another: a placement that scored a node
     * before another booked there scores it again instead of booking on stale figures.
     */
    @Test
    void concurrentPlacementsSpreadAsSequentialOnesWould() throws Exception {
        int rounds = 1000;
        int nodes = 3;
        ExecutorService pool = Executors.newFixedThreadPool(nodes);
        try {
            for (int round = 0; round < rounds; round++) {
                ClusterState cluster = new ClusterState();
                for (int i = 0; i < nodes; i++) {
                    cluster.upsertNode(new NodeInfo("n" + i, new NodeCapacity(4096, 100_000, 2), Map.of(), true));
                }
                PlacementEngine engine = new PlacementEngine(cluster,
                        new PlacementPolicy(new OverprovisionRatios(1.0, 1.0), Strategy.SPREAD, nodes), new SplittableRandom(round));
                CyclicBarrier together = new CyclicBarrier(nodes);
                List<Future<String>> placed = new ArrayList<>();
                for (int i = 0; i < nodes; i++) {
                    PlacementRequest request = Fixtures.request("alice", "z" + i, 128, 1024L);
                    placed.add(pool.submit(() -> {
                        together.await(10, TimeUnit.SECONDS);
                        return ((Placed) engine.place(request)).node();
                    }));
                }
                Set<String> used = new TreeSet<>();
                for (Future<String> f : placed) {
                    used.add(f.get(10, TimeUnit.SECONDS));
                }
                assertThat(used).as("round %d: the nodes of three machines placed at once", round).hasSize(nodes);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
