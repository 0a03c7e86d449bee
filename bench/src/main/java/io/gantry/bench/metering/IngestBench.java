package io.gantry.bench.metering;

import io.gantry.agent.host.Cmd;
import io.gantry.bench.BenchMain;
import io.gantry.cloudapi.store.Database;
import io.gantry.cloudapi.store.DatabaseConfig;
import io.gantry.common.Json;
import io.gantry.common.usage.UsageAck;
import io.gantry.common.usage.UsageBatch;
import io.gantry.common.usage.UsageRecord;
import io.gantry.metering.MeteringConfig;
import io.gantry.metering.MeteringService;
import io.gantry.platform.Coordination;
import io.gantry.platform.EmbeddedDatabase;
import io.gantry.platform.EmbeddedZooKeeper;
import io.gantry.testkit.LoopbackPort;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.apache.curator.framework.CuratorFramework;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Metering's ingest on this machine: simulated zones (records generated in memory, no runc) sent the
 * way agents send them, to a real metering service on an embedded PostgreSQL with fsync on, with
 * ZooKeeper and the roll-up leader running. Three measures, all in one run:
 * <ol>
 * <li>steady: every node posts one batch a second holding one record per zone (the 1 s sampling the
 *     agent does), open loop; ack latency and how far the roll-up trails;</li>
 * <li>burst: every node posts batches back to back (an agent catching up after an outage); the
 *     records/s committed is the ceiling;</li>
 * <li>baseline: the same rows, the same batch size and the same number of writers, inserted with
 *     plain JDBC batches into a bare table with the same primary key; the floor any durable store
 *     of these samples pays on this PostgreSQL.</li>
 * </ol>
 * A harness, not a test; the zones are <b>simulated</b>.
 */
@Command(name = "ingest-bench", mixinStandardHelpOptions = true,
        description = "Measures metering ingest (samples/s) of simulated zones at 1 s sampling against plain JDBC inserts.")
public final class IngestBench implements Callable<Integer> {
    @Option(names = "--zones", defaultValue = "1000", description = "Simulated zones (default ${DEFAULT-VALUE}).")
    int zones;

    @Option(names = "--nodes", defaultValue = "10", description = "Simulated agents; each sends its share of the zones (default ${DEFAULT-VALUE}).")
    int nodes;

    @Option(names = "--seconds", defaultValue = "60", description = "Measured seconds of steady 1 s sampling (default ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--warmup", defaultValue = "15", description = "Unmeasured seconds of steady sampling first (default ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--burst-seconds", defaultValue = "20", description = "Seconds of back-to-back batches, for Gantry and the baseline (default ${DEFAULT-VALUE}).")
    int burstSeconds;

    public static void main(String[] args) {
        BenchMain.run(IngestBench::new, "warn", args);
    }

    @Override
    public Integer call() throws Exception {
        if (zones < nodes || nodes < 1 || seconds < 1 || warmup < 0 || burstSeconds < 1) {
            System.err.println("ingest-bench: need --nodes ≥ 1, --zones ≥ --nodes, --seconds and --burst-seconds ≥ 1, --warmup ≥ 0");
            return 2;
        }
        Path work = Files.createTempDirectory("gantry-ingest-bench-");
        Vertx vertx = Vertx.vertx();
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (EmbeddedDatabase pg = EmbeddedDatabase.start(work.resolve("pg"), LoopbackPort.free());
             EmbeddedZooKeeper zk = EmbeddedZooKeeper.start(work.resolve("zookeeper"), LoopbackPort.free());
             CuratorFramework client = Coordination.connect(zk.connectString())) {
            var db = pg.config();
            Database.migrate(db); // the cloud API's schema: metering reads its accounts
            try (MeteringService metering = MeteringService.start(vertx, client, MeteringConfig.of(db.jdbcUrl(), db.user(), db.password())
                    .withListen("127.0.0.1", 0), registry)) {
                long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (!metering.isLeader() && System.nanoTime() < until) {
                    Thread.sleep(50);
                }
                if (!metering.isLeader()) {
                    System.err.println("ingest-bench: metering did not become the roll-up leader within 30 s");
                    return 1;
                }
                List<Agent> agents = new ArrayList<>();
                for (int n = 0; n < nodes; n++) {
                    agents.add(new Agent("node-" + n, zones / nodes + (n < zones % nodes ? 1 : 0), n, metering.baseUrl()));
                }
                System.out.printf("metering on %s; %d simulated zones on %d simulated nodes; PostgreSQL with fsync on%n",
                        metering.baseUrl(), zones, nodes);

                System.out.printf("steady: %d s warm-up, %d s measured ...%n", warmup, seconds);
                steady(agents, warmup, null);
                Steady s = new Steady();
                CpuTimes cpu0 = CpuTimes.read();
                var serverTimer = registry.get("gantry.metering.ingest.batch").timer();
                long count0 = serverTimer.count();
                double total0 = serverTimer.totalTime(TimeUnit.MILLISECONDS);
                steady(agents, seconds, s);
                double busy = CpuTimes.read().busySince(cpu0);
                double serverMeanMs = (serverTimer.totalTime(TimeUnit.MILLISECONDS) - total0) / Math.max(1, serverTimer.count() - count0);
                long caughtUpNanos = awaitRolledUp(db, 120);

                System.out.printf("burst: %d s of back-to-back batches ...%n", burstSeconds);
                long burstRecords = burst(agents, burstSeconds);
                long burstRolledNanos = awaitRolledUp(db, 600);
                long raw = scalar(db, "select count(*) from metering.usage_raw");

                System.out.printf("baseline: %d s of plain JDBC batch inserts ...%n", burstSeconds);
                long baselineRecords = baseline(db, agents, burstSeconds);

                double steadyRate = s.records.get() / (double) seconds;
                double burstRate = burstRecords / (double) burstSeconds;
                double baselineRate = baselineRecords / (double) burstSeconds;
                long[] lat = s.latencies();
                System.out.printf("%n| phase | records/s committed | batch ack p50 | batch ack p99 | batch ack max | notes |%n|---|---:|---:|---:|---:|---|%n");
                System.out.printf("| steady, %d zones at 1 s (%d batches of %d/s) | %,.0f | %.1f ms | %.1f ms | %.1f ms | server side (arrival to commit) mean %.1f ms; machine %.0f%% busy (2 cores, generator included); roll-up lag p50 %.1f s, max %.1f s; all rolled up %.1f s after the last batch |%n",
                        zones, nodes, zones / nodes, steadyRate, lat[0] / 1e6, lat[1] / 1e6, lat[2] / 1e6, serverMeanMs, busy * 100,
                        s.lagP50(), s.lagMax(), caughtUpNanos / 1e9);
                System.out.printf("| burst, back to back, %d writers | %,.0f | | | | roll-up of the burst finished %.1f s after it; %,d raw rows then |%n",
                        nodes, burstRate, burstRolledNanos / 1e9, raw);
                System.out.printf("| baseline: plain JDBC batches, %d writers | %,.0f | | | | same rows, batch size and primary key, one commit per batch |%n",
                        nodes, baselineRate);
                System.out.printf("%n| ratio | value |%n|---|---:|%n");
                System.out.printf("| burst / steady need (%d samples/s) | %.1f |%n", zones, burstRate / zones);
                System.out.printf("| Gantry burst / plain JDBC baseline | %.2f |%n", burstRate / baselineRate);
                System.out.printf("%n(%d failed posts)%n", Agent.FAILURES.get());
                return Agent.FAILURES.get() == 0 ? 0 : 1;
            }
        } finally {
            registry.close();
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            Cmd.run("rm", "-rf", "--one-file-system", work.toString());
        }
    }

    /** Every agent posts one record per zone at the top of every second, open loop. */
    private static void steady(List<Agent> agents, int seconds, Steady into) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(agents.size() + 1);
        try {
            long start = System.nanoTime();
            List<CompletableFuture<?>> all = new ArrayList<>();
            for (Agent a : agents) {
                all.add(CompletableFuture.runAsync(() -> {
                    for (int t = 0; t < seconds; t++) {
                        long due = start + TimeUnit.SECONDS.toNanos(t);
                        LockSupport.parkNanos(due - System.nanoTime());
                        int n = a.post(System.currentTimeMillis());
                        if (into != null) {
                            into.latency(System.nanoTime() - due);
                            into.records.addAndGet(n);
                        }
                    }
                }, pool));
            }
            if (into != null) {
                all.add(CompletableFuture.runAsync(() -> {
                    for (int t = 1; t <= seconds; t++) {
                        LockSupport.parkNanos(start + TimeUnit.SECONDS.toNanos(t) - System.nanoTime());
                        into.lag(agents.get(0).lagSeconds());
                    }
                }, pool));
            }
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get();
        } finally {
            pool.shutdownNow();
        }
    }

    /** Every agent posts batches back to back for {@code seconds}; returns the records committed. */
    private static long burst(List<Agent> agents, int seconds) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(agents.size());
        AtomicLong records = new AtomicLong();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        try {
            List<CompletableFuture<?>> all = new ArrayList<>();
            long[] clock = {System.currentTimeMillis()};
            for (Agent a : agents) {
                all.add(CompletableFuture.runAsync(() -> {
                    long t = clock[0];
                    while (System.nanoTime() < end) {
                        t += 1000;
                        records.addAndGet(a.post(t));
                    }
                }, pool));
            }
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get();
        } finally {
            pool.shutdownNow();
        }
        return records.get();
    }

    private static long baseline(DatabaseConfig db, List<Agent> agents, int seconds) throws Exception {
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password()); Statement st = c.createStatement()) {
            st.execute("create table bench_raw (zone uuid not null, seq bigint not null, tenant text not null, node text not null,"
                    + " package text not null, time_ms bigint not null, running_ms bigint not null, cpu_ns bigint not null,"
                    + " memory bigint not null, memory_peak bigint not null, memory_bs bigint not null, disk bigint not null,"
                    + " disk_bs bigint not null, net_rx bigint not null, net_tx bigint not null, oom bigint not null,"
                    + " forks bigint not null, last boolean not null, primary key (zone, seq))");
        }
        ExecutorService pool = Executors.newFixedThreadPool(agents.size());
        AtomicLong rows = new AtomicLong();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        try {
            List<CompletableFuture<?>> all = new ArrayList<>();
            for (Agent a : agents) {
                all.add(CompletableFuture.runAsync(() -> {
                    try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
                         PreparedStatement ins = c.prepareStatement("insert into bench_raw values (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")) {
                        c.setAutoCommit(false);
                        long t = System.currentTimeMillis();
                        while (System.nanoTime() < end) {
                            t += 1000;
                            for (UsageRecord r : a.next(t)) {
                                ins.setObject(1, r.zone());
                                ins.setLong(2, r.seq());
                                ins.setString(3, r.tenant());
                                ins.setString(4, r.node());
                                ins.setString(5, r.packageName());
                                ins.setLong(6, r.timeMillis());
                                ins.setLong(7, r.runningMillis());
                                ins.setLong(8, r.cpuNanos());
                                ins.setLong(9, r.memoryBytes());
                                ins.setLong(10, r.memoryPeakBytes());
                                ins.setLong(11, r.memoryByteSeconds());
                                ins.setLong(12, r.diskUsedBytes());
                                ins.setLong(13, r.diskByteSeconds());
                                ins.setLong(14, r.netRxBytes());
                                ins.setLong(15, r.netTxBytes());
                                ins.setLong(16, r.oomKills());
                                ins.setLong(17, r.forksRefused());
                                ins.setBoolean(18, r.last());
                                ins.addBatch();
                            }
                            ins.executeBatch();
                            c.commit();
                            rows.addAndGet(a.zones.length);
                        }
                    } catch (Exception e) {
                        throw new IllegalStateException("baseline insert: " + e.getMessage(), e);
                    }
                }, pool));
            }
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get();
        } finally {
            pool.shutdownNow();
        }
        return rows.get();
    }

    /** Waits until no raw record is left to roll up; how long that took, in nanoseconds. */
    private static long awaitRolledUp(DatabaseConfig db, int maxSeconds) throws Exception {
        long start = System.nanoTime();
        long until = start + TimeUnit.SECONDS.toNanos(maxSeconds);
        while (scalar(db, "select count(*) from metering.usage_raw where not rolled") > 0) {
            if (System.nanoTime() > until) {
                throw new IllegalStateException("the roll-up did not catch up within " + maxSeconds + " s");
            }
            Thread.sleep(100);
        }
        return System.nanoTime() - start;
    }

    private static long scalar(DatabaseConfig db, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
             Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** What the steady phase saw: each batch's latency from its due time, and the roll-up lag each second. */
    private static final class Steady {
        final AtomicLong records = new AtomicLong();
        private final List<Long> latencies = new ArrayList<>();
        private final List<Double> lags = new ArrayList<>();

        synchronized void latency(long nanos) {
            latencies.add(nanos);
        }

        synchronized void lag(double seconds) {
            if (!Double.isNaN(seconds)) {
                lags.add(seconds);
            }
        }

        /** p50, p99, max in nanoseconds. */
        synchronized long[] latencies() {
            long[] l = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
            return new long[] {l[l.length / 2], l[Math.min(l.length - 1, (int) Math.ceil(l.length * 0.99) - 1)], l[l.length - 1]};
        }

        synchronized double lagP50() {
            return lags.isEmpty() ? Double.NaN : lags.stream().sorted().toList().get(lags.size() / 2);
        }

        synchronized double lagMax() {
            return lags.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
        }
    }

    /** Busy and total jiffies of the whole machine, from /proc/stat. */
    private record CpuTimes(long busy, long total) {
        static CpuTimes read() throws Exception {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long[] v = Arrays.stream(f, 1, f.length).mapToLong(Long::parseLong).toArray();
            long idle = v[3] + v[4];
            long total = Arrays.stream(v, 0, Math.min(8, v.length)).sum();
            return new CpuTimes(total - idle, total);
        }

        double busySince(CpuTimes before) {
            return (double) (busy - before.busy) / Math.max(1, total - before.total);
        }
    }

    /** One simulated node: its zones' counters, and posting them as the agent's shipper does. */
    private static final class Agent {
        static final AtomicLong FAILURES = new AtomicLong();
        private static final HttpClient HTTP = HttpClient.newHttpClient();
        final String node;
        final UUID[] zones;
        private final String[] tenants;
        private final long[][] counters;
        private final long[] seq;
        private final Random random;
        private final URI usage;
        private final URI metrics;

        Agent(String node, int zoneCount, long seed, String meteringUrl) {
            this.node = node;
            this.zones = new UUID[zoneCount];
            this.tenants = new String[zoneCount];
            this.counters = new long[zoneCount][7];
            this.seq = new long[zoneCount];
            this.random = new Random(seed);
            for (int i = 0; i < zoneCount; i++) {
                zones[i] = UUID.randomUUID();
                tenants[i] = new UUID(0, (seed * 1000 + i) % 50).toString();
            }
            this.usage = URI.create(meteringUrl + "/v1/usage");
            this.metrics = URI.create(meteringUrl + "/metrics");
        }

        /** One record per zone at {@code timeMillis}, one second after the previous. */
        List<UsageRecord> next(long timeMillis) {
            List<UsageRecord> records = new ArrayList<>(zones.length);
            for (int i = 0; i < zones.length; i++) {
                long[] c = counters[i];
                long memory = 64L << 20 | random.nextInt(64 << 20);
                long disk = 100L << 20 | random.nextInt(1 << 20);
                c[0] += 1000;
                c[1] += random.nextInt(1_000_000_000);
                c[2] += memory;
                c[3] += disk;
                c[4] += random.nextInt(20_000);
                c[5] += random.nextInt(10_000);
                c[6] = Math.max(c[6], memory);
                records.add(new UsageRecord(zones[i], ++seq[i], tenants[i], node, "g1-" + (i % 4), timeMillis, c[0], c[1], memory, c[6],
                        c[2], disk, c[3], c[4], c[5], 0, 0, false));
            }
            return records;
        }

        /** Posts the next record of every zone; the records acknowledged (0 on failure). */
        synchronized int post(long timeMillis) {
            List<UsageRecord> records = next(timeMillis);
            try {
                HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(usage).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(Json.write(new UsageBatch(node, records)))).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() != 200) {
                    throw new IllegalStateException("HTTP " + r.statusCode() + ": " + r.body());
                }
                UsageAck ack = Json.read(r.body(), UsageAck.class);
                long through = seq[0];
                if (ack.acked().size() != zones.length || ack.acked().stream().anyMatch(s -> s.through() != through)) {
                    throw new IllegalStateException("the ack does not cover every record of the batch: " + r.body());
                }
                return records.size();
            } catch (Exception e) {
                if (FAILURES.incrementAndGet() <= 5) {
                    System.err.println("ingest-bench: post from " + node + " failed: " + e.getMessage());
                }
                return 0;
            }
        }

        /** The roll-up leader's lag, as metering's own gauge says. */
        double lagSeconds() {
            try {
                String text = HTTP.send(HttpRequest.newBuilder(metrics).build(), HttpResponse.BodyHandlers.ofString()).body();
                for (String line : text.split("\n")) {
                    if (line.startsWith("gantry_metering_rollup_lag_seconds ")) {
                        return Double.parseDouble(line.substring(line.indexOf(' ') + 1).trim());
                    }
                }
                return Double.NaN;
            } catch (Exception e) {
                return Double.NaN;
            }
        }
    }
}
