package io.gantry.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.gantry.cloudapi.Seed;
import io.gantry.cloudapi.auth.SshPublicKey;
import io.gantry.cloudapi.store.DatabaseConfig;
import io.gantry.testkit.FreshDatabase;
import io.gantry.testkit.LoopbackPort;
import io.gantry.testkit.SignedClient;
import io.gantry.testkit.TestKeys;
import io.gantry.testkit.TestPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A control plane of separate processes on one host: `gantry cloudapi`, `gantry provisioner` ×N and N compute nodes
 * running the SIMULATED zone backend ({@link SimulatedAgent}: real coordination, zones in memory, nothing runs), on a
 * fresh PostgreSQL database and a ZooKeeper server in the test JVM. A tenant with a 64 MiB package is seeded.
 */
final class SimulatedCluster implements AutoCloseable {
    static final String IMAGE = "sha256:" + "5e".repeat(32);
    final Path work;
    final FreshDatabase pg;
    final ChildRoles roles = new ChildRoles();
    final EmbeddedZooKeeper zk;
    final Map<String, Process> provisioners = new LinkedHashMap<>();
    final Map<String, Process> agents = new LinkedHashMap<>();
    SignedClient tenant;
    UUID image;
    private int apiPort;

    private SimulatedCluster(Path work, FreshDatabase pg, EmbeddedZooKeeper zk) {
        this.work = work;
        this.pg = pg;
        this.zk = zk;
    }

    static SimulatedCluster start(int provisionerCount, int nodeCount) throws Exception {
        Path work = Files.createTempDirectory("gantry-liveness-");
        FreshDatabase pg = TestPostgres.shared().freshDatabase("liveness");
        SimulatedCluster c = new SimulatedCluster(work, pg, EmbeddedZooKeeper.start(work.resolve("zookeeper"), LoopbackPort.free()));
        try {
            c.startCloudApi();
            for (int i = 1; i <= provisionerCount; i++) {
                c.startProvisioner("p" + i);
            }
            for (int i = 1; i <= nodeCount; i++) {
                c.startAgent("cn" + i);
            }
            return c;
        } catch (Exception | AssertionError e) {
            c.close();
            throw e;
        }
    }

    private void startCloudApi() throws Exception {
        apiPort = LoopbackPort.free();
        Path config = work.resolve("cloudapi.properties");
        Files.writeString(config, String.join("\n", "port=" + apiPort, "db-host=127.0.0.1", "db-port=" + pg.port(),
                "db-name=" + pg.name(), "db-user=" + pg.user(), "db-password=" + pg.password(), "datacenter=sim-1", ""));
        Process api = roles.start(log("cloudapi"), Map.of("GANTRY_CONFIG", config.toString()), "cloudapi", "--metrics-port", "-1");
        ChildRoles.awaitLine(api, log("cloudapi"), "cloud API on http://127.0.0.1:" + apiPort);
        var db = new DatabaseConfig(pg.host(), pg.port(), pg.name(), pg.user(), pg.password(), 2);
        KeyPair key = TestKeys.rsa();
        SshPublicKey pub = SshPublicKey.parse(TestKeys.openSsh(key, "sim"));
        try (Seed seed = new Seed(db)) {
            seed.pkg("sim-64M", 64, 256, 1, 50, 64, "small", true);
            image = seed.image("busybox", "1.0.0", "other", IMAGE, "what the simulated nodes know as " + IMAGE);
            seed.network("fabric", "10.210.0.0/16", "sim");
            seed.key(seed.account("sim", "sim@example.test"), "k", pub);
        }
        tenant = new SignedClient("http://127.0.0.1:" + apiPort, "sim", pub.md5Fingerprint(), key);
    }

    void startProvisioner(String id) throws Exception {
        Process p = roles.start(log(id), Map.of("GANTRY_ZK", zk.connectString(), "GANTRY_DB_PORT", Integer.toString(pg.port()),
                "GANTRY_DB_NAME", pg.name(), "GANTRY_DB_USER", pg.user(), "GANTRY_DB_PASSWORD", pg.password()),
                "provisioner", "--id", id, "--metrics-port", "-1");
        ChildRoles.awaitLine(p, log(id), "joined the election");
        provisioners.put(id, p);
    }

    void startAgent(String node) throws Exception {
        Process p = roles.startMain(log(node), SimulatedAgent.class.getName(), zk.connectString(), node,
                work.resolve("state-" + node).toString(), "8192", IMAGE);
        ChildRoles.awaitLine(p, log(node), "SIMULATED node " + node + " taking tasks");
        agents.put(node, p);
    }

    Path log(String role) {
        return work.resolve(role + ".log");
    }

    String logText(String role) throws Exception {
        return Files.readString(log(role));
    }

    /** The provisioner whose log says it leads (and has not been killed). */
    String leader() {
        List<String> leading = new ArrayList<>();
        Poll.until(Duration.ofSeconds(30), () -> {
            leading.clear();
            for (var e : provisioners.entrySet()) {
                if (e.getValue().isAlive() && logText(e.getKey()).contains("provisioner " + e.getKey() + " leads")) {
                    leading.add(e.getKey());
                }
            }
            assertThat(leading).hasSize(1);
        });
        return leading.get(0);
    }

    /** Creates a machine through the API; its id. */
    UUID create(String name) {
        var made = tenant.post("/my/machines", Map.of("name", name, "image", image.toString(), "package", "sim-64M"));
        assertThat(made.status()).as(made.body()).isEqualTo(201);
        return UUID.fromString(made.json().get("id").toString());
    }

    /** How many times the node processes were asked to create the machine, from their logs. */
    int creates(UUID machine) throws Exception {
        int n = 0;
        for (String node : agents.keySet()) {
            n += logText(node).split("simulated create " + machine, -1).length - 1;
        }
        return n;
    }

    @Override
    public void close() throws Exception {
        try {
            roles.close();
        } finally {
            zk.close();
            keepLogs();
            io.gantry.agent.host.Cmd.run("rm", "-rf", "--one-file-system", work.toString());
        }
    }

    /** Every role's log, copied to target/simulated-cluster-logs/ for whoever reads a failure. */
    private void keepLogs() throws java.io.IOException {
        Path kept = Path.of("target", "simulated-cluster-logs");
        Files.createDirectories(kept);
        try (var logs = Files.newDirectoryStream(work, "*.log")) {
            for (Path log : logs) {
                Files.copy(log, kept.resolve(log.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }
}
