package io.gantry.bench.placement;

import io.gantry.common.affinity.AffinityRule;
import io.gantry.common.coord.NodeCapacity;
import io.gantry.common.limits.OverprovisionRatios;
import io.gantry.provisioner.placement.ClusterState;
import io.gantry.provisioner.placement.NodeInfo;
import io.gantry.provisioner.placement.NodeUsage;
import io.gantry.provisioner.placement.NodeView;
import io.gantry.provisioner.placement.PlacedMachine;
import io.gantry.provisioner.placement.PlacementDecision;
import io.gantry.provisioner.placement.PlacementEngine;
import io.gantry.provisioner.placement.PlacementPolicy;
import io.gantry.provisioner.placement.PlacementRequest;
import io.gantry.provisioner.placement.Strategy;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * Scale simulation of placement: the provisioner's pure placement engine against thousands of simulated nodes held
 * in memory (no agents, no ZooKeeper, no database), many threads placing at once. Reports placements per second,
 * per-placement p50/p99, NoFits, then checks that nothing was booked twice: every node's bookings are recomputed
 * from the Placed results and compared with its capacity times the overprovision ratio and with the ledger. As the
 * in-run baseline it times two naive placers over the same nodes on the first requests: a full scan (filter and
 * score every node, fixed order, the best wins) and a first fit (every node in fixed order, the first that fits).
 */
@Command(name = "placement-bench", mixinStandardHelpOptions = true,
        description = "Placement throughput and latency on a simulated cluster, with a double-booking check.")
public final class PlacementBench implements Callable<Integer> {

    @Option(names = "--nodes", defaultValue = "10000", description = "Simulated nodes (default ${DEFAULT-VALUE}).")
    int nodes;

    @Option(names = "--machines", defaultValue = "100000", description = "Placements to make (default ${DEFAULT-VALUE}).")
    int machines;

    @Option(names = "--threads", defaultValue = "2", description = "Threads placing at once (default ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the nodes, the workload and the engine (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--strategy", defaultValue = "SPREAD", description = "PACK or SPREAD (default ${DEFAULT-VALUE}).")
    Strategy strategy;

    @Option(names = "--overprovision-memory", defaultValue = "1.0", description = "Memory overprovision ratio (default ${DEFAULT-VALUE}).")
    double overMemory;

    @Option(names = "--overprovision-disk", defaultValue = "1.0", description = "Disk overprovision ratio (default ${DEFAULT-VALUE}).")
    double overDisk;

    @Option(names = "--warmup", defaultValue = "20000",
            description = "Unmeasured placements first, on a throwaway copy of the cluster (default ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--naive-sample", defaultValue = "5000",
            description = "Requests the naive placers get, the first ones of the workload (default ${DEFAULT-VALUE}).")
    int naiveSample;

    @Option(names = "--report", description = "Also write the results table as Markdown to this file.")
    Path report;

    public static void main(String[] args) {
        System.exit(new CommandLine(new PlacementBench()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        if (nodes < 1 || machines < 1 || threads < 1 || warmup < 0 || naiveSample < 0) {
            System.err.println("placement-bench: --nodes, --machines and --threads must be at least 1; "
                    + "--warmup and --naive-sample not negative");
            return 2;
        }
        Config config = new Config(nodes, machines, threads, seed, strategy, new OverprovisionRatios(overMemory, overDisk),
                warmup, naiveSample);
        Result result = run(config, System.out);
        String table = result.markdown();
        System.out.println();
        System.out.print(table);
        if (report != null) {
            Files.writeString(report, table);
        }
        return result.verification().clean() && result.naiveVerification().clean() ? 0 : 1;
    }

    /* ---------------------------------------------------------------- configuration and results */

    public record Config(int nodes, int machines, int threads, long seed, Strategy strategy, OverprovisionRatios ratios,
                         int warmup, int naiveSample) {
        public static Config small(int nodes, int machines, int threads, long seed) {
            return new Config(nodes, machines, threads, seed, Strategy.SPREAD, OverprovisionRatios.NONE,
                    Math.min(2_000, machines), Math.min(500, machines));
        }
    }

    /** One timed run of one placer. */
    public record RunStats(String placer, int requests, int threads, long wallNanos, int placed, int noFit,
                           double p50Micros, double p99Micros) {
        public double perSecond() {
            return requests / (wallNanos / 1e9);
        }
    }

    /**
     * The double-booking check of one run.
     *
     * @param overCapacity  nodes whose bookings recomputed from the Placed results exceed capacity * ratio
     * @param ledgerDiffers nodes where ClusterState.usage() differs from the bookings recomputed from the results
     * @param wrongNode     Placed results whose machine the ledger holds on another node, or nowhere
     */
    public record Verification(int nodesChecked, int overCapacity, int ledgerDiffers, int wrongNode,
                               long placedMemoryMiB, long bookedMemoryMiB, long placedDiskMiB, long bookedDiskMiB) {
        public boolean clean() {
            return overCapacity == 0 && ledgerDiffers == 0 && wrongNode == 0 && placedMemoryMiB == bookedMemoryMiB
                    && placedDiskMiB == bookedDiskMiB;
        }
    }

    public record Result(Config config, int candidateLimit, double affinityShare, RunStats engine,
                         Verification verification, Map<String, Integer> noFitByFilter, double memoryFilled,
                         RunStats naiveFullScan, RunStats naiveFirstFit, RunStats engineOnSample,
                         Verification naiveVerification) {

        public String markdown() {
            StringBuilder s = new StringBuilder();
            s.append(String.format("Simulated cluster: %,d nodes in memory (pure placement engine; no agents, "
                            + "ZooKeeper or database), %,d placements by %d threads, %s, candidate limit %d, seed %d.%n%n",
                    config.nodes(), config.machines(), config.threads(), config.strategy(), candidateLimit,
                    config.seed()));
            s.append("| placer | requests | threads | placements/s | p50 µs | p99 µs | placed | NoFit |\n");
            s.append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
            row(s, engine);
            if (naiveFullScan != null) {
                row(s, engineOnSample);
                row(s, naiveFullScan);
                row(s, naiveFirstFit);
            }
            s.append('\n');
            if (naiveFullScan != null) {
                s.append(String.format("Speed-up on the first %,d requests: %.0fx over the naive full scan, "
                                + "%.1fx over the naive first fit (placements/s).%n",
                        engineOnSample.requests(), engineOnSample.perSecond() / naiveFullScan.perSecond(),
                        engineOnSample.perSecond() / naiveFirstFit.perSecond()));
            }
            s.append(String.format("Requests with affinity rules: %.1f%%. Memory booked at the end: %.1f%% of usable. "
                    + "NoFit by deciding filter: %s.%n", affinityShare * 100, memoryFilled * 100, noFitByFilter));
            Verification v = verification;
            s.append(String.format("Double-booking check (%,d nodes): %d over capacity*ratio, %d differ from "
                            + "ClusterState.usage(), %d booked elsewhere; placed %,d MiB memory / %,d MiB disk, ledger "
                            + "%,d / %,d: %s.%n",
                    v.nodesChecked(), v.overCapacity(), v.ledgerDiffers(), v.wrongNode(), v.placedMemoryMiB(),
                    v.placedDiskMiB(), v.bookedMemoryMiB(), v.bookedDiskMiB(),
                    v.clean() ? "ZERO double-booking" : "DOUBLE-BOOKING FOUND"));
            if (naiveFullScan != null) {
                s.append(String.format("Same check on the naive placers' clusters: %s.%n",
                        naiveVerification.clean() ? "clean" : "DOUBLE-BOOKING FOUND"));
            }
            return s.toString();
        }

        private static void row(StringBuilder s, RunStats r) {
            s.append(String.format("| %s | %,d | %d | %,.0f | %.1f | %.1f | %,d | %,d |%n", r.placer(), r.requests(),
                    r.threads(), r.perSecond(), r.p50Micros(), r.p99Micros(), r.placed(), r.noFit()));
        }
    }

    /* ---------------------------------------------------------------- the run */

    /** Runs the whole benchmark; progress lines go to {@code out}. */
    public static Result run(Config c, PrintStream out) throws InterruptedException {
        PlacementPolicy policy = new PlacementPolicy(c.ratios(), c.strategy(), 0);
        List<NodeInfo> nodeList = simulatedNodes(c.nodes(), new SplittableRandom(c.seed()));
        List<PlacementRequest> requests = workload(c.machines(), new SplittableRandom(c.seed() + 1));
        double affinityShare = requests.stream().filter(r -> !r.affinity().isEmpty()).count() / (double) requests.size();
        out.printf("simulated nodes: %,d in memory (no agents, no ZooKeeper, no database); %,d requests, %d threads%n",
                c.nodes(), c.machines(), c.threads());

        if (c.warmup() > 0) {
            int n = Math.min(c.warmup(), requests.size());
            out.printf("warm-up: %,d placements on a throwaway cluster%n", n);
            ClusterState scratch = cluster(nodeList);
            drive(new PlacementEngine(scratch, policy, new SplittableRandom(c.seed() + 2))::place, requests, n,
                    c.threads(), "warm-up");
        }

        out.println("measuring the engine");
        ClusterState cluster = cluster(nodeList);
        PlacementEngine engine = new PlacementEngine(cluster, policy, new SplittableRandom(c.seed() + 3));
        Timed timed = drive(engine::place, requests, requests.size(), c.threads(),
                "gantry engine (bounded random look)");
        out.println("verifying every node's bookings against the Placed results");
        Verification verification = verify(cluster, c.ratios(), requests, timed.decisions(), requests.size());
        Map<String, Integer> noFitByFilter = new LinkedHashMap<>();
        for (PlacementDecision d : timed.decisions()) {
            if (d instanceof PlacementDecision.NoFit no) {
                noFitByFilter.merge(decidingFilter(no), 1, Integer::sum);
            }
        }
        double filled = memoryFilled(cluster, c.ratios());

        RunStats fullScan = null;
        RunStats firstFit = null;
        RunStats engineSample = null;
        Verification naiveVerification = new Verification(0, 0, 0, 0, 0, 0, 0, 0);
        int sample = Math.min(c.naiveSample(), requests.size());
        if (sample > 0) {
            int naiveWarm = Math.min(500, sample);
            out.printf("baseline: naive placers on the first %,d requests (after %,d unmeasured)%n", sample, naiveWarm);
            drive(fullScan(cluster(nodeList), policy), requests, naiveWarm, c.threads(), "warm-up");
            drive(firstFit(cluster(nodeList), policy), requests, naiveWarm, c.threads(), "warm-up");

            ClusterState sampleCluster = cluster(nodeList);
            engineSample = drive(new PlacementEngine(sampleCluster, policy, new SplittableRandom(c.seed() + 4))::place,
                    requests, sample, c.threads(), "gantry engine, same first requests").stats();

            ClusterState fullCluster = cluster(nodeList);
            Timed full = drive(fullScan(fullCluster, policy), requests, sample, c.threads(),
                    "naive full scan (score every node, fixed order)");
            fullScan = full.stats();
            ClusterState firstCluster = cluster(nodeList);
            Timed first = drive(firstFit(firstCluster, policy), requests, sample, c.threads(),
                    "naive first fit (every node, fixed order)");
            firstFit = first.stats();
            Verification a = verify(fullCluster, c.ratios(), requests, full.decisions(), sample);
            Verification b = verify(firstCluster, c.ratios(), requests, first.decisions(), sample);
            naiveVerification = a.clean() ? b : a;
        }
        return new Result(c, policy.limitFor(c.nodes()), affinityShare, timed.stats(), verification, noFitByFilter,
                filled, fullScan, firstFit, engineSample, naiveVerification);
    }

    /* ---------------------------------------------------------------- the simulated cluster and workload */

    private static final long GIB = 1024;
    private static final long[] NODE_MEMORY_GIB = {64, 128, 256, 384, 512};
    private static final int[] NODE_MEMORY_WEIGHT = {15, 30, 30, 15, 10};
    private static final long[] MACHINE_MEMORY_MIB = {512, 1024, 2048, 4096, 8192, 16384};
    private static final int[] MACHINE_MEMORY_WEIGHT = {15, 25, 25, 20, 10, 5};
    private static final String[] ROLES = {"web", "api", "db", "cache", "worker"};
    static final int TENANTS = 100;
    private static final int SERVICES_PER_TENANT = 30;

    /** Varied nodes: 64-512 GiB of memory, 1-4 TiB of disk, ssd and rack traits; one in a hundred is down. */
    static List<NodeInfo> simulatedNodes(int n, SplittableRandom rnd) {
        List<NodeInfo> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            long memory = NODE_MEMORY_GIB[pick(NODE_MEMORY_WEIGHT, rnd)] * GIB;
            long disk = (1 + rnd.nextInt(4)) * 1024 * GIB;
            int cpus = (int) (memory / GIB / 4);
            Map<String, String> traits = Map.of(
                    "ssd", rnd.nextInt(2) == 0 ? "true" : "false",
                    "rack", "r" + (i / 40),
                    "cpu", rnd.nextInt(3) == 0 ? "amd" : "intel");
            out.add(new NodeInfo(String.format("cn%05d", i), new NodeCapacity(memory, disk, cpus), traits,
                    rnd.nextInt(100) != 0));
        }
        return out;
    }

    /**
     * 100 tenants, each with services of numbered replicas ("svc7-3") tagged with a role; sizes 512 MiB-16 GiB
     * (disk 20x memory); a tenth want ssd=true; about a fifth carry affinity rules: a hard instance!= on the previous
     * replica, a soft instance!=~ over the service's replicas, a soft ==~ and a hard == towards another service's
     * first replica, a hard role!=db.
     */
    static List<PlacementRequest> workload(int count, SplittableRandom rnd) {
        int[][] replicas = new int[TENANTS][SERVICES_PER_TENANT];
        List<PlacementRequest> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int tenant = rnd.nextInt(TENANTS);
            int service = rnd.nextInt(SERVICES_PER_TENANT);
            int replica = replicas[tenant][service]++;
            String name = "svc" + service + "-" + replica;
            long memory = MACHINE_MEMORY_MIB[pick(MACHINE_MEMORY_WEIGHT, rnd)];
            List<AffinityRule> affinity = new ArrayList<>(1);
            int dice = rnd.nextInt(100);
            int other = (service + 1 + rnd.nextInt(SERVICES_PER_TENANT - 1)) % SERVICES_PER_TENANT;
            if (dice < 8 && replica > 0) {
                affinity.add(AffinityRule.parse("instance!=svc" + service + "-" + (replica - 1)));
            } else if (dice >= 8 && dice < 12) {
                affinity.add(AffinityRule.parse("instance!=~svc" + service + "-*"));
            } else if (dice >= 12 && dice < 15) {
                affinity.add(AffinityRule.parse("instance==~svc" + other + "-0"));
            } else if (dice >= 15 && dice < 16) {
                affinity.add(AffinityRule.parse("instance==svc" + other + "-0"));
            } else if (dice >= 16 && dice < 20) {
                affinity.add(AffinityRule.parse("role!=db"));
            }
            Map<String, String> traits = rnd.nextInt(10) == 0 ? Map.of("ssd", "true") : Map.of();
            out.add(new PlacementRequest(new UUID(seedBits(rnd), i), "tenant-" + tenant, name,
                    Map.of("role", ROLES[service % ROLES.length]), memory, memory * 20, traits, affinity));
        }
        return out;
    }

    private static long seedBits(SplittableRandom rnd) {
        return rnd.nextLong();
    }

    private static int pick(int[] weights, SplittableRandom rnd) {
        int total = Arrays.stream(weights).sum();
        int x = rnd.nextInt(total);
        for (int i = 0; i < weights.length; i++) {
            x -= weights[i];
            if (x < 0) {
                return i;
            }
        }
        return weights.length - 1;
    }

    private static ClusterState cluster(List<NodeInfo> nodeList) {
        ClusterState cluster = new ClusterState();
        nodeList.forEach(cluster::upsertNode);
        return cluster;
    }

    /* ---------------------------------------------------------------- the naive placers (the baseline) */

    /** Filters and scores every node, in fixed order, for every request; the best (first among equals) wins. */
    static Placer fullScan(ClusterState cluster, PlacementPolicy policy) {
        PlacementEngine rules = new PlacementEngine(cluster, policy, new SplittableRandom(0));
        List<NodeInfo> infos = cluster.nodes();
        List<NodeView> views = infos.stream().map(n -> cluster.view(n.name())).toList();
        RandomGenerator noChance = () -> 0L;
        return request -> {
            PlacedMachine machine = request.toPlaced();
            while (true) {
                int best = -1;
                double bestScore = Double.NEGATIVE_INFINITY;
                for (int i = 0; i < infos.size(); i++) {
                    if (rules.firstRejection(infos.get(i), views.get(i), request).isEmpty()) {
                        double score = rules.score(infos.get(i), views.get(i), request, noChance);
                        if (score > bestScore) {
                            bestScore = score;
                            best = i;
                        }
                    }
                }
                if (best < 0) {
                    return new PlacementDecision.NoFit("no node fits", Map.of());
                }
                String node = infos.get(best).name();
                if (cluster.bookIfFits(node, machine, (i, v) -> rules.firstRejection(i, v, request).isEmpty())) {
                    return new PlacementDecision.Placed(node);
                }
            }
        };
    }

    /** Walks every node in fixed order for every request; the first that fits wins. */
    static Placer firstFit(ClusterState cluster, PlacementPolicy policy) {
        PlacementEngine rules = new PlacementEngine(cluster, policy, new SplittableRandom(0));
        List<NodeInfo> infos = cluster.nodes();
        List<NodeView> views = infos.stream().map(n -> cluster.view(n.name())).toList();
        return request -> {
            PlacedMachine machine = request.toPlaced();
            for (int i = 0; i < infos.size(); i++) {
                if (rules.firstRejection(infos.get(i), views.get(i), request).isEmpty()
                        && cluster.bookIfFits(infos.get(i).name(), machine,
                                (n, v) -> rules.firstRejection(n, v, request).isEmpty())) {
                    return new PlacementDecision.Placed(infos.get(i).name());
                }
            }
            return new PlacementDecision.NoFit("no node fits", Map.of());
        };
    }

    /* ---------------------------------------------------------------- driving, timing, checking */

    @FunctionalInterface
    interface Placer {
        PlacementDecision place(PlacementRequest request);
    }

    record Timed(RunStats stats, PlacementDecision[] decisions) {
    }

    /** Places the first {@code count} requests from {@code threads} threads; per-placement latency and wall time. */
    static Timed drive(Placer placer, List<PlacementRequest> requests, int count, int threads, String label)
            throws InterruptedException {
        PlacementDecision[] decisions = new PlacementDecision[count];
        long[] nanos = new long[count];
        AtomicInteger next = new AtomicInteger();
        RuntimeException[] failure = new RuntimeException[1];
        Thread[] workers = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            workers[t] = new Thread(() -> {
                try {
                    for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
                        long t0 = System.nanoTime();
                        decisions[i] = placer.place(requests.get(i));
                        nanos[i] = System.nanoTime() - t0;
                    }
                } catch (RuntimeException e) {
                    synchronized (failure) {
                        failure[0] = e;
                    }
                }
            }, "placer-" + t);
        }
        long start = System.nanoTime();
        for (Thread w : workers) {
            w.start();
        }
        for (Thread w : workers) {
            w.join();
        }
        long wall = System.nanoTime() - start;
        synchronized (failure) {
            if (failure[0] != null) {
                throw failure[0];
            }
        }
        int placed = 0;
        for (PlacementDecision d : decisions) {
            if (d instanceof PlacementDecision.Placed) {
                placed++;
            }
        }
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return new Timed(new RunStats(label, count, threads, wall, placed, count - placed,
                percentile(sorted, 50) / 1e3, percentile(sorted, 99) / 1e3), decisions);
    }

    /** Nearest rank: the smallest sample with at least p% of the samples at or below it. */
    static long percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, rank - 1)];
    }

    /**
     * Recomputes every node's bookings from the Placed results alone and compares them with the node's capacity
     * times the overprovision ratio and with what the ledger ({@link ClusterState#usage}) holds.
     */
    static Verification verify(ClusterState cluster, OverprovisionRatios ratios, List<PlacementRequest> requests,
                               PlacementDecision[] decisions, int count) {
        Map<String, long[]> fromResults = new HashMap<>();
        int wrongNode = 0;
        long placedMemory = 0;
        long placedDisk = 0;
        for (int i = 0; i < count; i++) {
            if (decisions[i] instanceof PlacementDecision.Placed placed) {
                PlacementRequest r = requests.get(i);
                long[] sum = fromResults.computeIfAbsent(placed.node(), n -> new long[3]);
                sum[0] += r.memoryMiB();
                sum[1] += r.diskMiB();
                sum[2]++;
                placedMemory += r.memoryMiB();
                placedDisk += r.diskMiB();
                if (!cluster.nodeOf(r.machine()).map(placed.node()::equals).orElse(false)) {
                    wrongNode++;
                }
            }
        }
        int over = 0;
        int differs = 0;
        long bookedMemory = 0;
        long bookedDisk = 0;
        List<NodeInfo> all = cluster.nodes();
        for (NodeInfo node : all) {
            long[] sum = fromResults.getOrDefault(node.name(), new long[3]);
            if (sum[0] > ratios.usableMemoryMiB(node.capacity()) || sum[1] > ratios.usableDiskMiB(node.capacity())) {
                over++;
            }
            NodeUsage usage = cluster.usage(node.name());
            if (usage.memoryMiB() != sum[0] || usage.diskMiB() != sum[1] || usage.machines() != sum[2]) {
                differs++;
            }
            bookedMemory += usage.memoryMiB();
            bookedDisk += usage.diskMiB();
        }
        return new Verification(all.size(), over, differs, wrongNode, placedMemory, bookedMemory, placedDisk,
                bookedDisk);
    }

    private static double memoryFilled(ClusterState cluster, OverprovisionRatios ratios) {
        long usable = 0;
        long booked = 0;
        for (NodeInfo node : cluster.nodes()) {
            usable += ratios.usableMemoryMiB(node.capacity());
            booked += cluster.usage(node.name()).memoryMiB();
        }
        return usable == 0 ? 0 : (double) booked / usable;
    }

    /** The filter that decided a NoFit: the last one in the chain that rejected any node. */
    private static String decidingFilter(PlacementDecision.NoFit no) {
        String last = "none";
        for (Map.Entry<String, Integer> e : no.rejectedBy().entrySet()) {
            if (e.getValue() > 0) {
                last = e.getKey();
            }
        }
        return last;
    }
}
