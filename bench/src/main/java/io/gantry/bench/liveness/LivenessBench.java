package io.gantry.bench.liveness;

import io.gantry.bench.BenchMain;
import io.gantry.bench.BenchResults;
import io.gantry.bench.Samples;
import io.gantry.cloudapi.Seed;
import io.gantry.cloudapi.auth.SshPublicKey;
import io.gantry.cloudapi.store.DatabaseConfig;
import io.gantry.platform.Coordination;
import io.gantry.platform.EmbeddedZooKeeper;
import io.gantry.platform.SimulatedAgent;
import io.gantry.testkit.CpuHog;
import io.gantry.testkit.FreshDatabase;
import io.gantry.testkit.LoopbackPort;
import io.gantry.testkit.ProcessSignals;
import io.gantry.testkit.SignedClient;
import io.gantry.testkit.TestKeys;
import io.gantry.testkit.TestPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.function.BooleanSupplier;
import org.apache.curator.framework.CuratorFramework;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Node-loss detection and provisioner failover, every role its own process on this host (`gantry cloudapi`, two
 * `gantry provisioner`, compute nodes running the SIMULATED zone backend: {@link SimulatedAgent}), on an embedded
 * PostgreSQL and ZooKeeper (100 ms tick). Repeats: kill -9 of a node's agent; SIGSTOP of one; a 1 s SIGSTOP of a node
 * under full CPU load (2 busy loops per core), which must never be judged lost; kill -9 of the leading provisioner
 * while creates are queued. Baselines from the same kills: when ZooKeeper removed the dead agent's advert (its 5 s
 * session expiring: how nodes were judged before beats) and the dead leader's session ending (1.5 s: when its latch
 * member went before a follower's watch on its life line removed it at once). A harness, not a test.
 */
@Command(name = "liveness-bench", mixinStandardHelpOptions = true,
        description = "Measures node-loss detection (kill -9, SIGSTOP), false alarms under load + 1 s pauses, and leader failover.")
public final class LivenessBench implements Callable<Integer> {
    private static final String IMAGE = "sha256:" + "5e".repeat(32);

    @Option(names = "--kills", defaultValue = "20", description = "kill -9 of a node's agent (default ${DEFAULT-VALUE}).")
    int kills;

    @Option(names = "--stops", defaultValue = "20", description = "SIGSTOP of a node's agent until it is judged lost (default ${DEFAULT-VALUE}).")
    int stops;

    @Option(names = "--pauses", defaultValue = "20", description = "1 s SIGSTOP of a node under full CPU load (default ${DEFAULT-VALUE}).")
    int pauses;

    @Option(names = "--failovers", defaultValue = "20", description = "kill -9 of the leading provisioner (default ${DEFAULT-VALUE}).")
    int failovers;

    @Option(names = "--report", description = "Also write the results as Markdown to this file.")
    Path report;

    private Path work;
    private ChildProcesses children;
    private FreshDatabase db;
    private EmbeddedZooKeeper zk;
    private CuratorFramework client;
    private ZkDeletions deletions;
    private SignedClient tenant;
    private UUID image;
    private final Map<String, Process> provisioners = new HashMap<>();
    private int provisionerCount;

    public static void main(String[] args) {
        BenchMain.run(LivenessBench::new, "warn", args);
    }

    @Override
    public Integer call() throws Exception {
        work = Files.createTempDirectory("gantry-liveness-bench");
        say("work directory " + work + " (each role's log is there)");
        try (TestPostgres pg = TestPostgres.start(Map.of());
             ChildProcesses roles = new ChildProcesses(work)) {
            children = roles;
            db = pg.freshDatabase("liveness");
            zk = EmbeddedZooKeeper.start(work.resolve("zookeeper"), LoopbackPort.free());
            try {
                client = Coordination.connect(zk.connectString());
                deletions = new ZkDeletions(client);
                startControlPlane();
                StringBuilder md = new StringBuilder("# Node liveness and provisioner failover (`LivenessBench`)\n\n")
                        .append("Run ").append(Instant.now()).append(", ").append(Runtime.getRuntime().availableProcessors())
                        .append(" cores, load average at start ").append(loadAverage()).append(".\n\n")
                        .append("| what | n | p50 ms | p99 ms | max ms |\n|---|---|---|---|---|\n");
                kills(md);
                stops(md);
                String pauseLine = pauses();
                failovers(md);
                md.append("\n").append(pauseLine).append("\nLoad average at the end ").append(loadAverage()).append(".\n");
                BenchResults.publish(md.toString(), report, LivenessBench::say);
            } finally {
                if (deletions != null) {
                    deletions.close();
                }
                if (client != null) {
                    client.close();
                }
                roles.close();
                zk.close();
            }
        }
        return 0;
    }

    private void startControlPlane() throws Exception {
        int apiPort = LoopbackPort.free();
        Path config = work.resolve("cloudapi.properties");
        Files.writeString(config, String.join("\n", "port=" + apiPort, "db-host=127.0.0.1", "db-port=" + db.port(),
                "db-name=" + db.name(), "db-user=" + db.user(), "db-password=" + db.password(), "datacenter=bench-1", ""));
        say("starting the cloud API");
        children.start("cloudapi", Map.of("GANTRY_CONFIG", config.toString()), "cloud API on", "io.gantry.platform.GantryCommand",
                "cloudapi", "--metrics-port", "-1");
        KeyPair key = TestKeys.rsa();
        SshPublicKey pub = SshPublicKey.parse(TestKeys.openSsh(key, "bench"));
        try (Seed seed = new Seed(new DatabaseConfig(db.host(), db.port(), db.name(), db.user(), db.password(), 2))) {
            seed.pkg("bench-64M", 64, 256, 1, 50, 64, "liveness bench", true);
            image = seed.image("busybox", "1.0.0", "other", IMAGE, "what the simulated nodes know as " + IMAGE);
            seed.network("fabric", "10.220.0.0/16", "bench");
            seed.key(seed.account("bench", "bench@example.test"), "k", pub);
        }
        tenant = new SignedClient("http://127.0.0.1:" + apiPort, "bench", pub.md5Fingerprint(), key);
        say("starting two provisioners and the long-lived nodes");
        startProvisioner();
        startProvisioner();
        startAgent("cn-stop");
        startAgent("cn-work");
        // the cloud API's first create warms its pools and code paths (seconds on a loaded host): not part of any figure
        UUID first = create("warm-up");
        await(Duration.ofSeconds(120), () -> "running".equals(tenant.get("/my/machines/" + first).state()));
    }

    private void startProvisioner() throws Exception {
        String id = "p" + ++provisionerCount;
        provisioners.put(id, children.start(id, Map.of("GANTRY_ZK", zk.connectString(), "GANTRY_DB_PORT", Integer.toString(db.port()),
                "GANTRY_DB_NAME", db.name(), "GANTRY_DB_USER", db.user(), "GANTRY_DB_PASSWORD", db.password()),
                "joined the election", "io.gantry.platform.GantryCommand", "provisioner", "--id", id, "--metrics-port", "-1"));
    }

    private Process startAgent(String node) throws Exception {
        Process p = children.start(node, Map.of(), "taking tasks", SimulatedAgent.class.getName(), zk.connectString(), node,
                work.resolve("state-" + node).toString(), "16384", IMAGE);
        await(Duration.ofSeconds(30), () -> nodeAlive(node));
        return p;
    }

    private void kills(StringBuilder md) throws Exception {
        Samples lost = new Samples();
        Samples session = new Samples();
        for (int i = 1; i <= kills; i++) {
            String node = "cn-k" + i;
            Process agent = startAgent(node);
            Thread.sleep(300);
            long t0 = System.nanoTime();
            ChildProcesses.kill9(agent);
            long seen = await(Duration.ofSeconds(20), () -> !nodeAlive(node)) - t0;
            lost.add(seen);
            await(Duration.ofSeconds(20), () -> deletions.advertGone(node) != null);
            session.add(deletions.advertGone(node) - t0);
            say(String.format(Locale.ROOT, "kill -9 %d/%d: lost after %.0f ms; its 5 s session ended after %.0f ms", i, kills,
                    seen / 1e6, (deletions.advertGone(node) - t0) / 1e6));
        }
        row(md, "node lost after kill -9 of its agent (beats, 1.4 s window)", lost);
        row(md, "baseline: same kills, ZooKeeper removes the advert (5 s session)", session);
    }

    private void stops(StringBuilder md) throws Exception {
        Samples lost = new Samples();
        long pid = children.pid("cn-stop");
        for (int i = 1; i <= stops; i++) {
            long t0 = System.nanoTime();
            ProcessSignals.stop(pid);
            long seen = await(Duration.ofSeconds(20), () -> !nodeAlive("cn-stop"));
            ProcessSignals.resume(pid);
            lost.add(seen - t0);
            await(Duration.ofSeconds(20), () -> nodeAlive("cn-stop"));
            say(String.format(Locale.ROOT, "SIGSTOP %d/%d: lost after %.0f ms, alive again after SIGCONT", i, stops, (seen - t0) / 1e6));
            Thread.sleep(500);
        }
        row(md, "node lost after SIGSTOP of its agent", lost);
    }

    /** The pause rounds' outcome, one line: how often the node was judged lost (it must be never). */
    private String pauses() throws Exception {
        long pid = children.pid("cn-stop");
        int verdictsBefore = verdicts("cn-stop");
        Samples pause = new Samples();
        List<String> transitions = new ArrayList<>();
        try (CpuHog hog = CpuHog.start(2)) {
            say("CPU load: " + hog.processes() + " busy loops; " + pauses + " pauses of 1 s");
            for (int i = 1; i <= pauses; i++) {
                long t0 = System.nanoTime();
                Thread watcher = transitionsOf("cn-stop", transitions, Duration.ofMillis(2500));
                ProcessSignals.pause(pid, Duration.ofSeconds(1));
                pause.add(System.nanoTime() - t0);
                watcher.join();
            }
        }
        int verdicts = verdicts("cn-stop") - verdictsBefore;
        return String.format(Locale.ROOT, "Under %d busy loops (2 per core), %d pauses of 1 s (SIGSTOP, `sleep 1`, SIGCONT; measured "
                        + "around the signals p50 %.0f ms, max %.0f ms): the node was judged lost %d times; states seen (every 10 ms, "
                        + "record's `compute_nodes.alive`): %s.%n",
                2 * Runtime.getRuntime().availableProcessors(), pauses, pause.p50(), pause.percentile(100), verdicts,
                transitions.isEmpty() ? "always alive" : String.join(", ", transitions));
    }

    private void failovers(StringBuilder md) throws Exception {
        Samples acting = new Samples();
        Samples session = new Samples();
        Samples member = new Samples();
        List<UUID> made = new ArrayList<>();
        for (int i = 1; i <= failovers; i++) {
            String leader = deletions.leader(client);
            for (String standby : List.copyOf(provisioners.keySet())) {
                if (!standby.equals(leader)) {
                    awaitWarm(standby);
                }
            }
            for (int c = 0; c < 2; c++) {
                made.add(create("f" + i + "-" + c));
            }
            long t0 = System.nanoTime();
            ChildProcesses.kill9(provisioners.remove(leader));
            // once it is reaped: a step in a transaction begun later is the new leader's (the API's inserts are 'queued')
            long reaped = System.nanoTime();
            Instant wall = Instant.now();
            for (int c = 2; c < 5; c++) {
                made.add(create("f" + i + "-" + c));
            }
            await(Duration.ofSeconds(30), () -> db.scalar("select count(*) from jobs where state <> 'queued' and updated > ?", Timestamp.from(wall)) > 0);
            Timestamp first = (Timestamp) db.query("select min(updated) from jobs where state <> 'queued' and updated > ?", Timestamp.from(wall)).get(0).get(0);
            long actedMs = Duration.between(wall, first.toInstant()).toMillis() + (reaped - t0) / 1_000_000;
            acting.add(actedMs * 1_000_000L);
            await(Duration.ofSeconds(30), () -> deletions.latchGone(leader) != null && deletions.sessionGone(leader) != null);
            member.add(deletions.latchGone(leader) - t0);
            session.add(deletions.sessionGone(leader) - t0);
            say(String.format(Locale.ROOT, "failover %d/%d: %s killed; a new leader advanced a job after %d ms (latch member gone after %.0f ms, "
                            + "session after %.0f ms)", i, failovers, leader, actedMs, (deletions.latchGone(leader) - t0) / 1e6,
                    (deletions.sessionGone(leader) - t0) / 1e6));
            startProvisioner();
        }
        for (UUID id : made) {
            await(Duration.ofSeconds(120), () -> "running".equals(tenant.get("/my/machines/" + id).state()));
        }
        int duplicated = 0;
        for (UUID id : made) {
            int creates = children.count("cn-stop", "simulated create " + id) + children.count("cn-work", "simulated create " + id);
            duplicated += creates == 1 ? 0 : 1;
        }
        row(md, "leader killed (kill -9) → the new leader's first job step committed", acting);
        row(md, "the dead leader's latch member removed (a follower's watch on its life line)", member);
        row(md, "baseline: same kills, the dead leader's session ends (1.5 s; its latch member went then before life lines)", session);
        md.append("\nCreates during the failovers: ").append(made.size()).append(", all running; created other than once: ")
                .append(duplicated).append(".\n");
    }

    /** A standby is warm before the kill, as one that has followed for a while is (not part of any figure). */
    private void awaitWarm(String provisioner) throws InterruptedException {
        await(Duration.ofSeconds(60), () -> {
            try {
                return children.count(provisioner, "standby ready") > 0;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private UUID create(String name) {
        var made = tenant.post("/my/machines", Map.of("name", name, "image", image.toString(), "package", "bench-64M"));
        if (made.status() != 201) {
            throw new IllegalStateException("create " + name + ": " + made.status() + " " + made.body());
        }
        return UUID.fromString(made.json().get("id").toString());
    }

    private boolean nodeAlive(String node) {
        List<List<Object>> rows = db.query("select alive from compute_nodes where name = ?", node);
        return !rows.isEmpty() && Boolean.TRUE.equals(rows.get(0).get(0));
    }

    private int verdicts(String node) throws Exception {
        int n = 0;
        for (String p : List.copyOf(provisioners.keySet())) {
            n += children.count(p, "node " + node + ": no beat");
        }
        return n;
    }

    /** A thread recording every change of the node's {@code alive} for {@code length}, every 10 ms. */
    private Thread transitionsOf(String node, List<String> into, Duration length) {
        Thread t = new Thread(() -> {
            long end = System.nanoTime() + length.toNanos();
            boolean wasAlive = true;
            while (System.nanoTime() < end) {
                boolean alive = nodeAlive(node);
                if (alive != wasAlive) {
                    synchronized (into) {
                        into.add((alive ? "alive again at " : "lost at ") + Instant.now());
                    }
                    wasAlive = alive;
                }
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        t.start();
        return t;
    }

    /** Polls {@code condition} every 10 ms; the nanoTime it first held. */
    private static long await(Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("not so within " + timeout.toSeconds() + " s");
            }
            Thread.sleep(10);
        }
        return System.nanoTime();
    }

    private static void row(StringBuilder md, String what, Samples s) {
        md.append(String.format(Locale.ROOT, "| %s | %d | %.0f | %.0f | %.0f |%n", what, s.count(), s.p50(), s.p99(), s.percentile(100)));
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (Exception e) {
            return "?";
        }
    }

    private static void say(String line) {
        System.err.println("liveness-bench: " + line);
    }
}
