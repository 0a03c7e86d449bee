package io.gantry.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.gantry.agent.AgentConfig;
import io.gantry.agent.host.Cmd;
import io.gantry.agent.host.HostProbe;
import io.gantry.cloudapi.CloudApi;
import io.gantry.cloudapi.CloudApiConfig;
import io.gantry.cloudapi.Seed;
import io.gantry.cloudapi.auth.SshPublicKey;
import io.gantry.cloudapi.store.DatabaseConfig;
import io.gantry.common.limits.OverprovisionRatios;
import io.gantry.provisioner.Provisioner;
import io.gantry.provisioner.ProvisionerConfig;
import io.gantry.provisioner.placement.PlacementPolicy;
import io.gantry.provisioner.placement.Strategy;
import io.gantry.testkit.LoopbackPort;
import io.gantry.testkit.SignedClient;
import io.gantry.testkit.TestKeys;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Metering end to end on real runc zones: the agent and metering run as child processes, so they can
 * be killed with SIGKILL, and PostgreSQL is restarted, while a zone burns CPU and sends bytes. The
 * metered totals must still equal what the kernel counted (cgroup cpuacct and the zone's eth0),
 * within 0.1%, and no record may be counted twice. Needs root and runc.
 */
@Tag("zones")
class MeteringEndToEndTest {
    private static final Duration SETTLE = Duration.ofSeconds(90);

    @Test
    void usageMatchesTheKernelThroughKillsOfAgentAndMeteringAndADatabaseRestart() throws Exception {
        assumeThat(HostProbe.whyNoRealZones()).as("needs root and runc").isEmpty();
        Path work = Files.createTempDirectory("gantry-metering-e2e-");
        String node = "me" + ProcessHandle.current().pid() % 1000;
        Path agentState = work.resolve("agent");
        int zkPort = LoopbackPort.free();
        int dbPort = LoopbackPort.free();
        int apiPort = LoopbackPort.free();
        int meteringPort = LoopbackPort.free();
        String meteringUrl = "http://127.0.0.1:" + meteringPort;
        Vertx vertx = Vertx.vertx();
        EmbeddedDatabase[] pg = {EmbeddedDatabase.start(work.resolve("pg"), dbPort)};
        // the roles are stopped first (resources close in reverse), while the ZooKeeper their clean stop talks to serves
        try (EmbeddedZooKeeper zk = EmbeddedZooKeeper.start(work.resolve("zookeeper"), zkPort);
             ChildRoles roles = new ChildRoles()) {
            DatabaseConfig db = pg[0].config();
            CloudApi api = CloudApi.start(vertx, new CloudApiConfig("127.0.0.1", apiPort, "http://127.0.0.1:" + apiPort, "me-1", db, null,
                    meteringUrl));
            String imageId = ChildRoles.inProcess("--node", node, "--state-dir", agentState.toString(), "image", "build-busybox").strip();
            KeyPair key = TestKeys.rsa();
            SshPublicKey pub = SshPublicKey.parse(TestKeys.openSsh(key, "metering"));
            UUID image;
            try (Seed seed = new Seed(db)) {
                seed.pkg("half-cpu", 128, 256, 1, 50, 128, "half a CPU", true);
                image = seed.image("busybox", "1.0.0", "other", imageId, "busybox");
                seed.network("fabric", "10.200.0.0/16", "metering");
                seed.key(seed.account("truth", "truth@example.test"), "k", pub);
            }
            var client = Coordination.connect(zk.connectString());
            Provisioner provisioner = Provisioner.start(client, new ProvisionerConfig("p-me", db.jdbcUrl(), db.user(), db.password(),
                    new PlacementPolicy(new OverprovisionRatios(1.0, 1.0), Strategy.SPREAD, 0), Duration.ofMillis(200)));

            Map<String, String> dbEnv = Map.of("GANTRY_DB_PORT", Integer.toString(dbPort), "GANTRY_DB_NAME", "postgres",
                    "GANTRY_DB_USER", "postgres", "GANTRY_DB_PASSWORD", "postgres");
            Path meteringLog = work.resolve("metering.log");
            String[] meteringArgs = {"metering", "--zk", zk.connectString(), "--port", Integer.toString(meteringPort), "--id", "m-e2e"};
            Process metering = roles.start(meteringLog, dbEnv, meteringArgs);
            ChildRoles.awaitLine(metering, meteringLog, "joined the election");
            Path agentLog = work.resolve("agent.log");
            String[] agentArgs = {"--node", node, "--state-dir", agentState.toString(), "agent", "--zk", zk.connectString(), "--interval", "1",
                    "--metrics-port", "-1"};
            Process agent = roles.start(agentLog, Map.of(), agentArgs);
            ChildRoles.awaitLine(agent, agentLog, "taking tasks");

            SignedClient tenant = new SignedClient("http://127.0.0.1:" + apiPort, "truth", pub.md5Fingerprint(), key);
            UUID burner = create(tenant, "burner", image);
            UUID sink = create(tenant, "sink", image);
            Poll.until(SETTLE, () -> {
                assertThat(tenant.get("/my/machines/" + burner).state()).isEqualTo("running");
                assertThat(tenant.get("/my/machines/" + sink).state()).isEqualTo("running");
            });
            String sinkIp = String.valueOf(tenant.get("/my/machines/" + sink).json().get("primaryIp"));
            AgentConfig agentConfig = AgentConfig.of(agentState, node);

            // phase 1: burn and send while the agent is killed and comes back
            CompletableFuture<?> burn1 = inZone(agentConfig, burner, "timeout 6 sh -c 'while :; do :; done'; true");
            CompletableFuture<?> listen = inZone(agentConfig, sink, "timeout 20 nc -l -p 5000 -e sh -c 'cat > /dev/null'; true");
            Thread.sleep(500);
            CompletableFuture<?> send = inZone(agentConfig, burner, "dd if=/dev/zero bs=1000 count=3000 2>/dev/null | timeout 15 nc " + sinkIp + " 5000");
            Thread.sleep(2000);
            ChildRoles.kill9(agent);
            Thread.sleep(1500);
            agent = roles.start(agentLog, Map.of(), agentArgs);
            ChildRoles.awaitLine(agent, agentLog, "taking tasks", 2);
            burn1.get(60, TimeUnit.SECONDS);
            send.get(60, TimeUnit.SECONDS);
            listen.get(60, TimeUnit.SECONDS);

            // phase 2: metering is killed; the agent keeps journaling meanwhile, long enough for a doubling back-off to
            // wait 8 s and more; usage must reach metering within 2 s of its return all the same
            CompletableFuture<?> burn2 = inZone(agentConfig, burner, "timeout 4 sh -c 'while :; do :; done'; true");
            ChildRoles.kill9(metering);
            Thread.sleep(12_000);
            metering = roles.start(meteringLog, dbEnv, meteringArgs);
            ChildRoles.awaitLine(metering, meteringLog, "joined the election", 2);
            Instant back = Instant.now();
            Poll.until(Duration.ofSeconds(10), () -> assertThat(lastStoredSample(db, burner)).isAfterOrEqualTo(back.minusSeconds(1)));
            Duration stored = Duration.between(back, Instant.now());
            System.out.println("usage stored " + stored.toMillis() + " ms after metering came back");
            assertThat(stored).as("usage reaches metering within 2 s of its return").isLessThan(Duration.ofSeconds(2));
            burn2.get(60, TimeUnit.SECONDS);

            // phase 3: PostgreSQL restarts under everyone
            CompletableFuture<?> burn3 = inZone(agentConfig, burner, "timeout 4 sh -c 'while :; do :; done'; true");
            Thread.sleep(1000);
            pg[0].close();
            Thread.sleep(2000);
            pg[0] = EmbeddedDatabase.start(work.resolve("pg"), dbPort);
            burn3.get(60, TimeUnit.SECONDS);

            // the zone is idle now: what the kernel counted no longer moves, and metering must catch up to it
            Path cpuacct = Path.of("/sys/fs/cgroup/cpuacct/gantry-" + node + "/" + burner + "/cpuacct.usage");
            long[] metered = new long[4];
            long[] truth = new long[3];
            Poll.until(SETTLE, () -> {
                truth[0] = Long.parseLong(Files.readString(cpuacct).strip());
                long[] net = eth0(initPid(agentConfig, burner));
                truth[1] = net[0];
                truth[2] = net[1];
                long[] m = meteredTotals(db, burner);
                System.arraycopy(m, 0, metered, 0, 4);
                assertThat((double) m[0]).as("metered CPU ns vs cpuacct.usage").isCloseTo(truth[0], org.assertj.core.data.Percentage.withPercentage(0.1));
                assertThat((double) m[2]).as("metered tx bytes vs the zone's eth0").isCloseTo(truth[2], org.assertj.core.data.Percentage.withPercentage(0.1));
                assertThat((double) m[1]).as("metered rx bytes vs the zone's eth0").isCloseTo(truth[1], org.assertj.core.data.Percentage.withPercentage(0.1));
            });
            System.out.printf("ground truth: cpu %d ns metered %d ns (%.4f%%); tx %d metered %d; rx %d metered %d%n",
                    truth[0], metered[0], 100.0 * (metered[0] - truth[0]) / truth[0], truth[2], metered[2], truth[1], metered[1]);
            assertThat(truth[0] / 1e9).as("CPU-seconds burnt under a 50% cap in ~14 s of burning").isBetween(3.0, 9.0);
            assertThat(metered[2]).as("the sender's bytes out include the 3,000,000 sent").isGreaterThanOrEqualTo(3_000_000L);
            assertThat(metered[3]).as("minute roll-ups sum to exactly the last record's cumulative CPU: no delta applied twice")
                    .isEqualTo(lastCumulativeCpu(db, burner));

            var usage = tenant.get("/my/usage?granularity=total&per=instance&machine=" + burner);
            assertThat(usage.status()).as(usage.body()).isEqualTo(200);
            double cpuSeconds = ((Number) ((Map<?, ?>) usage.json().get("total")).get("cpu_seconds")).doubleValue();
            assertThat(cpuSeconds).as("the tenant's usage API agrees").isCloseTo(metered[0] / 1e9, org.assertj.core.data.Offset.offset(0.05));

            assertThat(tenant.delete("/my/machines/" + burner).status()).isEqualTo(204);
            assertThat(tenant.delete("/my/machines/" + sink).status()).isEqualTo(204);
            Poll.until(SETTLE, () -> assertThat(tenant.get("/my/machines/" + burner).state()).isEqualTo("deleted"));
            Poll.until(SETTLE, () -> assertThat(tenant.get("/my/machines/" + sink).state()).isEqualTo("deleted"));
            provisioner.close();
            client.close();
            api.close();
        } finally {
            ChildRoles.inProcess("--node", node, "--state-dir", agentState.toString(), "node", "destroy", "--yes");
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            pg[0].close();
            Cmd.run("rm", "-rf", "--one-file-system", work.toString());
        }
    }

    private static UUID create(SignedClient tenant, String name, UUID image) {
        var r = tenant.post("/my/machines", Map.of("name", name, "image", image.toString(), "package", "half-cpu"));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return UUID.fromString(r.json().get("id").toString());
    }

    /** Runs a shell command in the zone with runc itself (not through the agent, which the test kills). */
    private static CompletableFuture<?> inZone(AgentConfig config, UUID zone, String script) {
        return CompletableFuture.runAsync(() -> {
            var r = Cmd.run("runc", "--root", config.runcRoot().toString(), "exec", zone.toString(), "sh", "-c", script);
            if (r.exitCode() != 0) {
                throw new IllegalStateException("in zone " + zone + ": " + script + " -> " + r);
            }
        });
    }

    private static long initPid(AgentConfig config, UUID zone) {
        String state = Cmd.run("runc", "--root", config.runcRoot().toString(), "state", zone.toString()).stdout();
        Map<?, ?> json = io.gantry.common.Json.read(state, Map.class);
        return ((Number) json.get("pid")).longValue();
    }

    /** The zone side's eth0: {rx bytes, tx bytes}, as the zone's own /proc/net/dev says. */
    private static long[] eth0(long pid) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/net/dev"))) {
            String t = line.trim();
            if (t.startsWith("eth0:")) {
                String[] f = t.substring(5).trim().split("\\s+");
                return new long[] {Long.parseLong(f[0]), Long.parseLong(f[8])};
            }
        }
        throw new IllegalStateException("no eth0 in the zone of pid " + pid);
    }

    /** {cpu ns, rx, tx} summed over the zone's minute roll-ups, and the cpu sum again (for the exactness check). */
    private static long[] meteredTotals(DatabaseConfig db, UUID zone) throws Exception {
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
             PreparedStatement st = c.prepareStatement("select coalesce(sum(cpu_ns), 0), coalesce(sum(net_rx), 0), coalesce(sum(net_tx), 0)"
                     + " from metering.usage_minute where zone = ?")) {
            st.setObject(1, zone);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(1)};
            }
        }
    }

    /** When the newest sample of the zone that metering has stored was taken. */
    private static Instant lastStoredSample(DatabaseConfig db, UUID zone) throws Exception {
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
             PreparedStatement st = c.prepareStatement("select max(time) from metering.usage_raw where zone = ?")) {
            st.setObject(1, zone);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                java.sql.Timestamp t = rs.getTimestamp(1);
                return t == null ? Instant.EPOCH : t.toInstant();
            }
        }
    }

    private static long lastCumulativeCpu(DatabaseConfig db, UUID zone) throws Exception {
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
             PreparedStatement st = c.prepareStatement("select cpu_ns from metering.usage_cursor where zone = ?")) {
            st.setObject(1, zone);
            try (ResultSet rs = st.executeQuery()) {
                assertThat(rs.next()).as("a roll-up cursor for the zone").isTrue();
                return rs.getLong(1);
            }
        }
    }

}
