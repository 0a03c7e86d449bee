package io.gantry.bench.provision;

import io.gantry.bench.BenchMain;
import io.gantry.bench.BenchResults;
import io.gantry.cloudapi.CloudApi;
import io.gantry.cloudapi.CloudApiConfig;
import io.gantry.cloudapi.Seed;
import io.gantry.cloudapi.auth.SshPublicKey;
import io.gantry.cloudapi.store.DatabaseConfig;
import io.gantry.common.coord.NodeCapacity;
import io.gantry.common.limits.OverprovisionRatios;
import io.gantry.provisioner.Provisioner;
import io.gantry.provisioner.ProvisionerConfig;
import io.gantry.provisioner.placement.PlacementPolicy;
import io.gantry.provisioner.placement.Strategy;
import io.gantry.testkit.FreshDatabase;
import io.gantry.testkit.TestKeys;
import io.gantry.testkit.TestPostgres;
import io.gantry.testkit.TestZooKeeper;
import io.vertx.core.Vertx;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.curator.framework.CuratorFramework;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Provisioning throughput end to end: signed {@code POST /my/machines} from many tenants through the real cloud API,
 * PostgreSQL, the real provisioner (leader election, placement, dispatch, collection), a real ZooKeeper and the real
 * agent coordination of 1,000 SIMULATED nodes (zones kept in memory, nothing runs), measured from each request's
 * scheduled send time to the time PostgreSQL recorded the machine {@code running}; then the same for deletes (to
 * {@code deleted}); then a check that nothing was lost or duplicated. A harness, not a test.
 */
@Command(name = "provision-bench", mixinStandardHelpOptions = true,
        description = "Creates and deletes machines at fixed rates through the whole control plane on simulated nodes.")
public final class ProvisionBench implements Callable<Integer> {
    @Option(names = "--rates", split = ",", defaultValue = "100,250,500",
            description = "Creates (then deletes) per second, one round each, open loop (default ${DEFAULT-VALUE}).")
    int[] rates;

    @Option(names = "--seconds", defaultValue = "20", description = "Seconds of creates (and of deletes) per round (default ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--warmup", defaultValue = "20x15",
            description = "A warm-up round before the floor and the idle figure, RATExSECONDS, not reported (the JIT compiles the"
                    + " create and delete paths; without it the first round measured mostly the compiler) (default ${DEFAULT-VALUE}; 0x0: none).")
    String warmup;

    @Option(names = "--nodes", defaultValue = "1000", description = "Simulated nodes (default ${DEFAULT-VALUE}).")
    int nodes;

    @Option(names = "--nodes-per-client", defaultValue = "50",
            description = "Simulated nodes sharing one ZooKeeper client (session) (default ${DEFAULT-VALUE}).")
    int nodesPerClient;

    @Option(names = "--tenants", defaultValue = "50", description = "Accounts the creates are spread over (default ${DEFAULT-VALUE}).")
    int tenants;

    @Option(names = "--report-interval", defaultValue = "5",
            description = "Seconds between a node's periodic reports, as the agent's --interval (default ${DEFAULT-VALUE}).")
    int reportInterval;

    @Option(names = "--strategy", defaultValue = "SPREAD", description = "Placement strategy: PACK or SPREAD (default ${DEFAULT-VALUE}).")
    Strategy strategy;

    @Option(names = "--job-lanes", description = "The provisioner's job lanes (default: the provisioner's own, "
            + ProvisionerConfig.DEFAULT_JOB_LANES + ").")
    Integer jobLanes;

    @Option(names = "--drain", defaultValue = "120", description = "Seconds to wait for the last machines of a phase (default ${DEFAULT-VALUE}).")
    int drain;

    @Option(names = "--baseline-threads", defaultValue = "16", description = "Concurrency of the bare-writes floor (default ${DEFAULT-VALUE}).")
    int baselineThreads;

    @Option(names = "--report", description = "Also write the results as Markdown to this file.")
    Path report;

    private double idleJvmMsPerSecond;
    private double idlePostgresMsPerSecond;

    private static final long MEMORY_MIB = 128;
    private static final long DISK_MIB = 1024;

    public static void main(String[] args) {
        // 1,000 agents in one JVM would write each task's info lines to one stderr: only warnings (and the bench's own lines)
        if (System.getProperty("org.slf4j.simpleLogger.log.io.gantry") == null) {
            System.setProperty("org.slf4j.simpleLogger.log.io.gantry", "warn");
        }
        BenchMain.run(ProvisionBench::new, "warn", args);
    }

    @Override
    public Integer call() throws Exception {
        if (rates.length == 0 || Arrays.stream(rates).anyMatch(r -> r < 1) || seconds < 1 || nodes < 1 || nodesPerClient < 1
                || tenants < 1) {
            System.err.println("provision-bench: --rates, --seconds, --nodes, --nodes-per-client and --tenants must be at least 1");
            return 2;
        }
        int[] warm;
        try {
            String[] parts = warmup.split("x", -1);
            warm = new int[] {Integer.parseInt(parts[0]), Integer.parseInt(parts[1])};
            if (parts.length != 2 || warm[0] < 0 || warm[1] < 0) {
                throw new NumberFormatException();
            }
        } catch (RuntimeException e) {
            System.err.println("provision-bench: --warmup must be RATExSECONDS, e.g. 20x15 (0x0: none), not '" + warmup + "'");
            return 2;
        }
        Path work = Files.createTempDirectory("gantry-provision-bench");
        say("starting embedded PostgreSQL and ZooKeeper");
        TestPostgres pg = TestPostgres.start(Map.of("max_connections", "300"));
        TestZooKeeper zk = null;
        Vertx vertx = null;
        CloudApi api = null;
        SimulatedNodes fleet = null;
        Provisioner provisioner = null;
        CuratorFramework provisionerZk = null;
        StringBuilder md = new StringBuilder();
        boolean clean = true;
        try {
            zk = TestZooKeeper.start(work.resolve("zookeeper"));
            FreshDatabase fresh = pg.freshDatabase("provbench");
            DatabaseConfig db = new DatabaseConfig(fresh.host(), fresh.port(), fresh.name(), fresh.user(), fresh.password(), 20);
            vertx = Vertx.vertx();
            say("starting the cloud API (migrations, then bind) in this JVM");
            api = CloudApi.start(vertx, new CloudApiConfig("127.0.0.1", 0, "http://127.0.0.1", "provbench-1", db, null));
            String base = "http://127.0.0.1:" + api.port();

            UUID pkg;
            UUID image;
            List<PresignedTenant> accounts = new ArrayList<>();
            try (Seed seed = new Seed(db)) {
                pkg = seed.pkg("bench-128", MEMORY_MIB, DISK_MIB, 1, 100, 256, "provision bench package", true);
                image = seed.image("busybox", "1.0.0", "other", "busybox", "busybox");
                for (int t = 0; t < tenants; t++) {
                    String login = "pb" + t;
                    KeyPair pair = TestKeys.rsa();
                    SshPublicKey key = SshPublicKey.parse(TestKeys.openSsh(pair, login));
                    UUID account = seed.account(login, login + "@example.test");
                    seed.key(account, login, key);
                    accounts.add(PresignedTenant.of(base, login, key.md5Fingerprint(), pair));
                }
            }

            say("starting " + nodes + " simulated nodes on " + ((nodes + nodesPerClient - 1) / nodesPerClient) + " ZooKeeper clients");
            NodeCapacity capacity = new NodeCapacity(1_000_000, 100_000_000, 64);
            fleet = SimulatedNodes.start(zk, work.resolve("nodes"), nodes, nodesPerClient, "busybox", capacity,
                    Duration.ofSeconds(reportInterval));
            provisionerZk = zk.newClient();
            provisioner = Provisioner.start(provisionerZk, new ProvisionerConfig("provbench", fresh.jdbcUrl(), fresh.user(),
                    fresh.password(), new PlacementPolicy(new OverprovisionRatios(1.0, 1.0, 64.0), strategy, 0), Duration.ofMillis(500),
                    jobLanes == null ? ProvisionerConfig.DEFAULT_JOB_LANES : jobLanes));
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!provisioner.isLeader() && System.nanoTime() < until) {
                Thread.sleep(50);
            }
            if (!provisioner.isLeader()) {
                System.err.println("provision-bench: the provisioner did not become leader within 60 s");
                return 1;
            }

            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
            if (warm[0] > 0 && warm[1] > 0) {
                say("warm-up: " + warm[0] + "/s for " + warm[1] + " s, not reported");
                Round warming = new Round(warm[0], warm[1]);
                warming.create(http, accounts, fresh, pkg, image, fleet);
                warming.delete(http, accounts, fresh, fleet);
                if (!warming.clean()) {
                    say("warm-up: not clean (" + warming.problems + "); the rounds go on, their own checks decide");
                }
            }

            int baselineMachines = Math.max(500, Arrays.stream(rates).max().getAsInt() * 4);
            say("floor: the bare writes of " + baselineMachines + " machines (" + BareWrites.COMMITS + " PostgreSQL commits and "
                    + BareWrites.ZK_WRITES_PER_MACHINE + " ZooKeeper writes each) at concurrency " + baselineThreads);
            BareWrites.Result floor = BareWrites.run(fresh.jdbcUrl(), fresh.user(), fresh.password(), provisionerZk, baselineMachines,
                    baselineThreads);
            say(String.format(Locale.ROOT, "floor: %.0f machines/s (create + delete writes)", floor.machinesPerSecond()));

            say("idle: the fleet, the provisioner and the API with no requests, 10 s");
            CpuMeter.Reading idle0 = CpuMeter.read(fresh.port());
            Thread.sleep(10_000);
            CpuMeter.Reading idle = CpuMeter.read(fresh.port()).minus(idle0);
            idleJvmMsPerSecond = idle.jvmNanos() / 1e6 / 10;
            idlePostgresMsPerSecond = idle.postgresNanos() / 1e6 / 10;
            say(String.format(Locale.ROOT, "idle: JVM %.0f ms CPU/s, PostgreSQL %.0f ms CPU/s", idleJvmMsPerSecond, idlePostgresMsPerSecond));

            List<Round> rounds = new ArrayList<>();
            for (int rate : rates) {
                Round round = new Round(rate, seconds);
                rounds.add(round);
                round.create(http, accounts, fresh, pkg, image, fleet);
                round.delete(http, accounts, fresh, fleet);
                clean &= round.clean();
            }
            md.append(markdown(floor, rounds, fleet));
        } finally {
            say("shutting down");
            for (AutoCloseable c : new AutoCloseable[] {provisioner, fleet, provisionerZk, api}) {
                try {
                    if (c != null) {
                        c.close();
                    }
                } catch (Exception e) {
                    System.err.println("cleanup: " + e);
                }
            }
            if (vertx != null) {
                vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            }
            if (zk != null) {
                zk.close();
            }
            pg.close();
            try (Stream<Path> files = Files.walk(work)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        BenchResults.publish(md.toString(), report, ProvisionBench::say);
        return clean ? 0 : 1;
    }

    /** One phase's figures: end to end from the scheduled send, the API's answer time, errors, achieved rate. */
    record Phase(int sent, int acked, int errors, int failed, int unfinished, double[] endToEndMs, double[] apiMs, double[] afterAckMs,
                 double sendSeconds, double achievedPerSecond, String firstError, CpuMeter.Reading cpu) {
        /** CPU milliseconds of the JVM and of PostgreSQL per machine that reached its state. */
        double jvmCpuMsPerMachine() {
            return cpu.jvmNanos() / 1e6 / Math.max(1, endToEndMs.length);
        }

        double postgresCpuMsPerMachine() {
            return cpu.postgresNanos() / 1e6 / Math.max(1, endToEndMs.length);
        }

        /** Machines per second two cores could carry at this phase's CPU cost per machine. */
        double twoCoreCeiling() {
            return 2000.0 / (jvmCpuMsPerMachine() + postgresCpuMsPerMachine());
        }

        double pct(double[] sorted, double p) {
            if (sorted.length == 0) {
                return Double.NaN;
            }
            int rank = (int) Math.ceil(p / 100.0 * sorted.length);
            return sorted[Math.max(0, Math.min(rank - 1, sorted.length - 1))];
        }
    }

    /** One rate: its creates, its deletes and what the check found. */
    private final class Round {
        final int rate;
        final int seconds;
        final String prefix;
        final List<UUID> acked = new ArrayList<>();
        /** Creates the API recorded though its answer came after the client's timeout. */
        final List<UUID> unacknowledged = new ArrayList<>();
        final Map<UUID, PresignedTenant> owner = new HashMap<>();
        Phase creates;
        Phase deletes;
        final List<String> problems = new ArrayList<>();

        Round(int rate, int seconds) {
            this.rate = rate;
            this.seconds = seconds;
            this.prefix = "r" + rate + "x" + Long.toString(System.nanoTime() % 100000, 36) + "-";
        }

        boolean clean() {
            return problems.isEmpty() && creates.errors() == 0 && creates.failed() == 0 && creates.unfinished() == 0
                    && deletes.errors() == 0 && deletes.unfinished() == 0;
        }

        void create(HttpClient http, List<PresignedTenant> tenants, FreshDatabase db, UUID pkg, UUID image, SimulatedNodes fleet) throws Exception {
            int count = rate * seconds;
            UUID[] ids = new UUID[count];
            for (int i = 0; i < count; i++) {
                ids[i] = UUID.randomUUID();
            }
            say(rate + "/s: " + count + " creates over " + seconds + " s");
            Phase phase = phase(http, db, count, "running",
                    (i, scheduled) -> {
                        PresignedTenant t = tenants.get(i % tenants.size());
                        synchronized (acked) {
                            owner.put(ids[i], t);
                        }
                        String body = "{\"uuid\":\"" + ids[i] + "\",\"name\":\"" + prefix + i + "\",\"image\":\"" + image
                                + "\",\"package\":\"" + pkg + "\"}";
                        return t.client().request("POST", "/my/machines", body);
                    },
                    i -> ids[i], status -> status == 201, (i, ok) -> {
                        if (ok) {
                            synchronized (acked) {
                                acked.add(ids[i]);
                            }
                        }
                    });
            creates = phase;
            report("creates", phase);
            checkCreated(db, fleet);
        }

        void delete(HttpClient http, List<PresignedTenant> tenants, FreshDatabase db, SimulatedNodes fleet) throws Exception {
            List<UUID> targets = new ArrayList<>(acked);
            targets.addAll(unacknowledged); // recorded too: the fleet is left empty for the next round
            if (targets.isEmpty()) {
                deletes = new Phase(0, 0, 0, 0, 0, new double[0], new double[0], new double[0], 0, 0, null, new CpuMeter.Reading(0, 0));
                return;
            }
            int count = targets.size();
            int deleteRate = rate;
            // each delete's request line differs, so each is signed: all before the phase, so the generator's signing
            // is not in the figures (the dates are at most the phase's length old when sent; the API allows 300 s of skew)
            say("signing " + count + " deletes");
            java.net.http.HttpRequest[] signed = new java.net.http.HttpRequest[count];
            for (int i = 0; i < count; i++) {
                signed[i] = owner.get(targets.get(i)).client().request("DELETE", "/my/machines/" + targets.get(i), null);
            }
            say(deleteRate + "/s: " + count + " deletes");
            deletes = phase(http, db, count, "deleted",
                    (i, scheduled) -> signed[i],
                    targets::get, status -> status == 204, (i, ok) -> {
                    });
            report("deletes", deletes);
            checkDeleted(db, fleet);
        }

        private void report(String what, Phase p) {
            say(String.format(Locale.ROOT, "%d/s %s: %d sent, %d acknowledged, %d errors, %d failed, %d unfinished; "
                            + "request→recorded p50 %.0f ms p90 %.0f ms p99 %.0f ms; API answer p50 %.1f ms p99 %.1f ms; answer→recorded p50 %.0f ms p99 %.0f ms; achieved %.1f/s; "
                            + "CPU per machine: JVM %.2f ms, PostgreSQL %.2f ms (two-core ceiling %.0f/s)",
                    rate, what, p.sent(), p.acked(), p.errors(), p.failed(), p.unfinished(), p.pct(p.endToEndMs(), 50),
                    p.pct(p.endToEndMs(), 90), p.pct(p.endToEndMs(), 99), p.pct(p.apiMs(), 50), p.pct(p.apiMs(), 99),
                    p.pct(p.afterAckMs(), 50), p.pct(p.afterAckMs(), 99), p.achievedPerSecond(), p.jvmCpuMsPerMachine(), p.postgresCpuMsPerMachine(), p.twoCoreCeiling()));
            if (p.firstError() != null) {
                say("first error: " + p.firstError());
            }
        }

        interface Ack {
            void answered(int index, boolean ok);
        }

        private Phase phase(HttpClient http, FreshDatabase db, int count, String target, PacedRequests.Request request,
                            java.util.function.IntFunction<UUID> idOf, java.util.function.IntPredicate okStatus, Ack ack)
                throws Exception {
            double[] api = new double[count];
            boolean[] ok = new boolean[count];
            Instant[] scheduledAt = new Instant[count];
            Instant[] answeredAt = new Instant[count];
            AtomicInteger errors = new AtomicInteger();
            String[] firstError = new String[1];
            try (StateWatcher watcher = new StateWatcher(db.jdbcUrl(), db.user(), db.password(),
                    s -> s.equals(target) || s.equals("failed"), Duration.ofMillis(25))) {
                long t0 = System.nanoTime();
                CpuMeter.Reading cpu0 = CpuMeter.read(db.port());
                PacedRequests.run(http, rate, count, (i, scheduled) -> {
                    scheduledAt[i] = scheduled;
                    watcher.await(idOf.apply(i), scheduled);
                    return request.build(i, scheduled);
                }, (i, scheduled, apiNanos, status, body, error) -> {
                    api[i] = apiNanos / 1e6;
                    answeredAt[i] = Instant.now();
                    boolean good = error == null && okStatus.test(status);
                    ok[i] = good;
                    if (!good) {
                        watcher.forget(idOf.apply(i));
                        if (errors.getAndIncrement() == 0) {
                            firstError[0] = error != null ? error.toString() : status + " " + body;
                        }
                    }
                    ack.answered(i, good);
                }, drain);
                double sendSeconds = (System.nanoTime() - t0) / 1e9;
                long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(drain);
                while (watcher.stillAwaited() > 0 && System.nanoTime() < until) {
                    Thread.sleep(50);
                }
                CpuMeter.Reading cpu = CpuMeter.read(db.port()).minus(cpu0);
                if (watcher.failure() != null) {
                    say("state watcher: " + watcher.failure().getMessage());
                }
                Map<UUID, StateWatcher.Seen> seen = watcher.seen();
                List<Double> e2e = new ArrayList<>();
                List<Double> afterAck = new ArrayList<>();
                int failed = 0;
                Instant first = null;
                Instant last = null;
                for (int i = 0; i < count; i++) {
                    if (!ok[i]) {
                        continue;
                    }
                    StateWatcher.Seen s = seen.get(idOf.apply(i));
                    if (s == null) {
                        continue;
                    }
                    if (!s.state().equals(target)) {
                        failed++;
                        continue;
                    }
                    e2e.add(Duration.between(scheduledAt[i], s.recorded()).toNanos() / 1e6);
                    afterAck.add(Duration.between(answeredAt[i], s.recorded()).toNanos() / 1e6);
                    first = first == null || scheduledAt[i].isBefore(first) ? scheduledAt[i] : first;
                    last = last == null || s.recorded().isAfter(last) ? s.recorded() : last;
                }
                int acked = 0;
                for (boolean b : ok) {
                    acked += b ? 1 : 0;
                }
                double[] sortedE2e = e2e.stream().mapToDouble(Double::doubleValue).sorted().toArray();
                double[] sortedApi = Arrays.stream(api).sorted().toArray();
                double span = first == null ? Double.NaN : Duration.between(first, last).toNanos() / 1e9;
                double[] sortedAfterAck = afterAck.stream().mapToDouble(Double::doubleValue).sorted().toArray();
                return new Phase(count, acked, errors.get(), failed, watcher.stillAwaited(), sortedE2e, sortedApi, sortedAfterAck, sendSeconds,
                        e2e.size() / span, firstError[0], cpu);
            }
        }

        /**
         * Every acknowledged create is one machine recorded running on one node, whose backend alone holds its one zone;
         * so is every create the API recorded but answered only after the client gave up (counted apart: not lost, not
         * duplicated, and deleted with the others). No node holds a zone this round did not record.
         */
        private void checkCreated(FreshDatabase db, SimulatedNodes fleet) throws Exception {
            Map<UUID, String> recorded = new HashMap<>();
            try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
                 PreparedStatement st = c.prepareStatement("select id, state, compute_node from machines where name like ?")) {
                st.setString(1, prefix + "%");
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        UUID id = rs.getObject(1, UUID.class);
                        if (!"running".equals(rs.getString(2)) || rs.getString(3) == null) {
                            problems.add("machine " + id + " is " + rs.getString(2) + " on " + rs.getString(3));
                        }
                        recorded.put(id, rs.getString(3));
                    }
                }
            }
            for (UUID id : acked) {
                if (!recorded.containsKey(id)) {
                    problems.add("acknowledged create " + id + " is not recorded");
                }
            }
            recorded.keySet().stream().filter(id -> !acked.contains(id)).forEach(unacknowledged::add);
            Map<UUID, List<String>> holders = new HashMap<>();
            fleet.zonesByNode().forEach((node, zones) -> zones.forEach(z -> holders.computeIfAbsent(z, k -> new ArrayList<>()).add(node)));
            recorded.forEach((id, node) -> {
                List<String> on = holders.getOrDefault(id, List.of());
                if (on.size() != 1 || !on.get(0).equals(node)) {
                    problems.add("machine " + id + " recorded on " + node + " is held by " + on);
                }
            });
            holders.keySet().stream().filter(id -> !recorded.containsKey(id))
                    .forEach(id -> problems.add("zone " + id + " on " + holders.get(id) + " is no machine of this round"));
            say("check after creates: " + (problems.isEmpty() ? "every acknowledged create is one machine running on one node, held there once"
                    + (unacknowledged.isEmpty() ? "" : "; " + unacknowledged.size() + " creates answered after the client's timeout are too")
                    : problems.size() + " problems, first: " + problems.get(0)));
        }

        /** Every deleted machine is recorded deleted and gone from every node. */
        private void checkDeleted(FreshDatabase db, SimulatedNodes fleet) throws Exception {
            int before = problems.size();
            try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
                 PreparedStatement st = c.prepareStatement("select count(*) from machines where name like ? and state <> 'deleted'")) {
                st.setString(1, prefix + "%");
                try (ResultSet rs = st.executeQuery()) {
                    rs.next();
                    if (rs.getInt(1) != 0) {
                        problems.add(rs.getInt(1) + " machines not recorded deleted");
                    }
                }
            }
            long zones = fleet.zonesByNode().values().stream().mapToLong(List::size).sum();
            if (zones != 0) {
                problems.add(zones + " zones left on the nodes after the deletes");
            }
            say("check after deletes: " + (problems.size() == before ? "all recorded deleted, no zone left on any node"
                    : (problems.size() - before) + " problems, first: " + problems.get(before)));
        }
    }

    private String markdown(BareWrites.Result floor, List<Round> rounds, SimulatedNodes fleet) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "Provisioning throughput end to end, %d SIMULATED nodes, %s, load average at the end %s%n%n",
                fleet.size(), ZonedDateTime.now(ZoneOffset.UTC).format(java.time.format.DateTimeFormatter.ISO_LOCAL_DATE), loadAverage()));
        sb.append(String.format(Locale.ROOT, "Floor (bare writes, concurrency %d): %.0f machines/s (%d PostgreSQL commits and %d ZooKeeper "
                        + "writes per machine, create + delete, done directly)%n%n", baselineThreads, floor.machinesPerSecond(),
                BareWrites.COMMITS, BareWrites.ZK_WRITES_PER_MACHINE));
        sb.append(String.format(Locale.ROOT, "Idle (%d nodes reporting every %d s, provisioner leading, no requests): JVM %.0f ms CPU/s, "
                + "PostgreSQL %.0f ms CPU/s%n%n", fleet.size(), reportInterval, idleJvmMsPerSecond, idlePostgresMsPerSecond));
        sb.append("| rate /s | phase | sent | acked | errors | failed | unfinished | achieved /s | p50 ms | p90 ms | p99 ms | max ms "
                + "| API p50 ms | API p99 ms | answer→recorded p50 ms | answer→recorded p99 ms | floor / achieved | JVM CPU ms/machine | PostgreSQL CPU ms/machine | two-core ceiling /s |\n");
        sb.append("| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        for (Round r : rounds) {
            for (Phase p : new Phase[] {r.creates, r.deletes}) {
                sb.append(String.format(Locale.ROOT, "| %d | %s | %d | %d | %d | %d | %d | %.1f | %.0f | %.0f | %.0f | %.0f | %.1f | %.1f | %.0f | %.0f | %.1f | %.2f | %.2f | %.0f |%n",
                        r.rate, p == r.creates ? "create → running" : "delete → deleted", p.sent(), p.acked(), p.errors(), p.failed(),
                        p.unfinished(), p.achievedPerSecond(), p.pct(p.endToEndMs(), 50), p.pct(p.endToEndMs(), 90),
                        p.pct(p.endToEndMs(), 99), p.pct(p.endToEndMs(), 100), p.pct(p.apiMs(), 50), p.pct(p.apiMs(), 99),
                        p.pct(p.afterAckMs(), 50), p.pct(p.afterAckMs(), 99), floor.machinesPerSecond() / p.achievedPerSecond(), p.jvmCpuMsPerMachine(), p.postgresCpuMsPerMachine(),
                        p.twoCoreCeiling()));
            }
        }
        sb.append('\n');
        for (Round r : rounds) {
            sb.append(String.format(Locale.ROOT, "- %d/s check: %s%n", r.rate, r.problems.isEmpty()
                    ? "every acknowledged create was one machine recorded running on one node whose simulated backend held its one "
                    + "zone" + (r.unacknowledged.isEmpty() ? "" : " (so were " + r.unacknowledged.size() + " creates the API answered "
                    + "after the client's 20 s timeout, counted as errors above)") + "; after the deletes all were recorded deleted and no zone was left"
                    : r.problems.size() + " problems: " + String.join("; ", r.problems.subList(0, Math.min(5, r.problems.size())))));
        }
        sb.append(String.format(Locale.ROOT, "%nReal: the cloud API (Vert.x, signed rsa-sha256 requests from %d tenants, each tenant's identical signatures (same request line, same second) made once, java.net.http HTTP/1.1 "
                        + "open loop in the same JVM), embedded PostgreSQL, ZooKeeper, the provisioner, each node's agent coordination "
                        + "(advert, task queue, finished-task record, reports every %d s). SIMULATED: the zones (in memory). %d nodes "
                        + "share %d ZooKeeper clients. A create is {uuid, name, image, package}; the API gives it one NIC on its "
                        + "tenant's default fabric network. End to end counts from each request's scheduled send to the "
                        + "machine row's `updated` (the recording transaction's time); achieved is recorded machines over first send "
                        + "to last recorded; answer→recorded is the part after the API answered (provisioner, ZooKeeper, agents). CPU per machine: the JVM's (everything above but PostgreSQL, including the load generator and "
                        + "the idle fleet's reports) and PostgreSQL's processes' CPU time over the phase, per machine that reached its state; "
                        + "the two-core ceiling is 2,000 ms/s over their sum. Placement: %s. Machine: %d cores, Java %s.%n", tenants, reportInterval, fleet.size(),
                fleet.clients(), strategy, Runtime.getRuntime().availableProcessors(), System.getProperty("java.version")));
        return sb.toString();
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim().split(" ", 4)[0];
        } catch (java.io.IOException e) {
            return "?";
        }
    }

    static void say(String line) {
        System.out.println("[provision-bench] " + ZonedDateTime.now(ZoneOffset.UTC).toLocalTime().withNano(0) + " " + line);
        System.out.flush();
    }
}
