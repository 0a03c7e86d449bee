package io.gantry.cloudapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gantry.cloudapi.auth.SshPublicKey;
import io.gantry.cloudapi.store.DatabaseConfig;
import io.gantry.record.RoleHeartbeat;
import io.gantry.testkit.FreshDatabase;
import io.gantry.testkit.SignedClient;
import io.gantry.testkit.TestKeys;
import io.gantry.testkit.TestPostgres;
import io.gantry.testkit.TestZooKeeper;
import io.gantry.testkit.ZooKeeperEnsemble;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * GET /ops/health against real parts: the test kit's embedded PostgreSQL, a real standalone ZooKeeper and a real
 * three-member ensemble (one member stopped), and the roles' real heartbeat writers ({@link RoleHeartbeat}).
 */
class HealthReportTest {
    private final Vertx vertx = Vertx.vertx();
    private final List<AutoCloseable> started = new ArrayList<>();
    private final List<Path> dirs = new ArrayList<>();
    private FreshDatabase database;
    private DatabaseConfig db;
    private SignedClient admin;

    @AfterEach
    void stop() throws Exception {
        for (int i = started.size() - 1; i >= 0; i--) {
            started.get(i).close();
        }
        vertx.close().toCompletionStage().toCompletableFuture().get();
        for (Path dir : dirs) {
            try (var walk = Files.walk(dir)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private Path tempDir(String prefix) throws java.io.IOException {
        Path dir = Files.createTempDirectory(prefix);
        dirs.add(dir);
        return dir;
    }

    private <T extends AutoCloseable> T closing(T resource) {
        started.add(resource);
        return resource;
    }

    /** The cloud API on a fresh database, asking {@code zk} (null: none), with an operator signing. */
    private void cloudApi(String zk) throws Exception {
        database = TestPostgres.shared().freshDatabase("health");
        db = new DatabaseConfig(database.host(), database.port(), database.name(), database.user(), database.password(), 4);
        CloudApi api = closing(CloudApi.start(vertx, new CloudApiConfig("127.0.0.1", 0, "http://127.0.0.1", "test-1", db, null, null, 1)
                .withZooKeeper(zk)));
        KeyPair pair = TestKeys.rsa();
        SshPublicKey key = SshPublicKey.parse(TestKeys.openSsh(pair, "ops"));
        try (Seed seed = new Seed(db)) {
            seed.key(seed.operator("healthops", "ops@example.test"), "test", key);
        }
        admin = new SignedClient("http://127.0.0.1:" + api.port(), "healthops", key.md5Fingerprint(), pair);
    }

    private RoleHeartbeat heartbeat(String role, String instance, boolean leader) {
        return closing(RoleHeartbeat.start(db.jdbcUrl(), db.user(), db.password(), role, instance, "127.0.0.1:" + instance.length(),
                () -> leader, Duration.ofMillis(200)));
    }

    private void everyRole() {
        heartbeat("cloudapi", "api-1", false);
        heartbeat("provisioner", "prov-1", true);
        heartbeat("provisioner", "prov-2", false);
        heartbeat("metering", "meter-1", true);
    }

    private Map<String, Object> report() {
        var r = admin.get("/ops/health");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    @SuppressWarnings("unchecked")
    private static Object at(Map<String, Object> report, String... path) {
        Object v = report;
        for (String key : path) {
            v = ((Map<String, Object>) v).get(key);
        }
        return v;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> list(Map<String, Object> report, String... path) {
        return (List<Map<String, Object>>) at(report, path);
    }

    @SuppressWarnings("unchecked")
    private static List<String> problems(Map<String, Object> report) {
        return (List<String>) report.get("problems");
    }

    @Test
    void everyRoleUpAndAStandaloneZooKeeperIsOk() throws Exception {
        Path dir = tempDir("health-zk");
        TestZooKeeper zk = closing(TestZooKeeper.start(dir));
        cloudApi(zk.connectString());
        everyRole();
        await().atMost(Duration.ofSeconds(10)).until(() -> "ok".equals(report().get("status")));

        Map<String, Object> report = report();
        assertThat(problems(report)).isEmpty();
        List<Map<String, Object>> provisioners = list(report, "roles", "provisioner");
        assertThat(provisioners).extracting(i -> i.get("instance")).containsExactly("prov-1", "prov-2");
        assertThat(provisioners).extracting(i -> i.get("leader")).containsExactly(true, false);
        assertThat(provisioners.get(0)).containsEntry("reachable", true).containsEntry("version", io.gantry.common.GantryVersion.current())
                .containsKeys("started", "last_seen", "address");
        assertThat(at(report, "postgres", "reachable")).isEqualTo(true);
        assertThat(at(report, "postgres", "role")).isEqualTo("primary");
        assertThat(at(report, "postgres", "note")).isEqualTo("no standbys");
        assertThat(at(report, "postgres", "version").toString()).matches("\\d+\\.\\d+.*");
        List<Map<String, Object>> members = list(report, "zookeeper", "members");
        assertThat(members).hasSize(1);
        assertThat(members.get(0)).containsEntry("address", zk.connectString()).containsEntry("reachable", true)
                .containsEntry("mode", "standalone").containsEntry("lag", 0);
        assertThat((String) members.get(0).get("version")).startsWith("3.9.");
        assertThat((String) members.get(0).get("zxid")).startsWith("0x");
        assertThat(at(report, "nodes", "note").toString()).contains("no compute node has been seen yet");

        zk.stopServer();
        Map<String, Object> zkDown = report();
        assertThat(zkDown.get("status")).isEqualTo("down");
        assertThat(problems(zkDown)).anyMatch(p -> p.contains("no ZooKeeper member leads"))
                .anyMatch(p -> p.startsWith("ZooKeeper member " + zk.connectString() + " is not serving"));
        assertThat(list(zkDown, "zookeeper", "members")).first().satisfies(m -> assertThat(m).containsEntry("reachable", false));
    }

    @Test
    void aStoppedEnsembleMemberIsUnreachableAndTheReportDegraded() throws Exception {
        Path dir = tempDir("health-ensemble");
        ZooKeeperEnsemble ensemble = closing(ZooKeeperEnsemble.start(dir));
        cloudApi(ensemble.connectString());
        everyRole();
        await().atMost(Duration.ofSeconds(10)).until(() -> "ok".equals(report().get("status")));
        List<Map<String, Object>> members = list(report(), "zookeeper", "members");
        assertThat(members).extracting(m -> m.get("mode")).containsExactlyInAnyOrder("leader", "follower", "follower");

        String lost = ensemble.connectString().split(",")[0];
        ensemble.stopMember(0);
        await().atMost(Duration.ofSeconds(30)).until(() -> "degraded".equals(report().get("status")));
        Map<String, Object> report = report();
        assertThat(problems(report)).singleElement().asString().startsWith("ZooKeeper member " + lost + " is not serving");
        List<Map<String, Object>> after = list(report, "zookeeper", "members");
        assertThat(after.get(0)).containsEntry("address", lost).containsEntry("reachable", false).doesNotContainKey("mode");
        assertThat(after.subList(1, 3)).extracting(m -> m.get("mode")).contains("leader");
    }

    @Test
    void withoutZooKeeperStaleAndMissingRolesShowInTheStatus() throws Exception {
        cloudApi(null);
        RoleHeartbeat provisioner = heartbeat("provisioner", "prov-1", true);
        heartbeat("metering", "meter-1", false);
        await().atMost(Duration.ofSeconds(10)).until(() -> "degraded".equals(report().get("status")));
        Map<String, Object> report = report();
        assertThat(at(report, "zookeeper", "configured")).isEqualTo(false);
        assertThat(at(report, "zookeeper", "note").toString()).contains("ZooKeeper is not configured for this cloud API");
        assertThat(problems(report)).containsExactly("no metering instance leads: usage is not rolled up and budgets are not enforced");

        provisioner.close(); // a clean stop removes its row
        Map<String, Object> noProvisioner = report();
        assertThat(noProvisioner.get("status")).isEqualTo("down");
        assertThat(problems(noProvisioner)).contains("no provisioner is running: no machine is placed or changed");
        assertThat(list(noProvisioner, "roles", "provisioner")).isEmpty();

        database.execute("insert into role_heartbeats (role, instance, address, version, started, last_seen, leader)"
                + " values ('provisioner', 'crashed', 'h:1', '0.0.9', now() - interval '1 hour', now() - interval '1 minute', true)");
        heartbeat("provisioner", "prov-3", true);
        await().atMost(Duration.ofSeconds(10)).until(() -> list(report(), "roles", "provisioner").size() == 2);
        Map<String, Object> stale = report();
        assertThat(stale.get("status")).isEqualTo("degraded");
        assertThat(problems(stale)).anyMatch(p -> p.matches("provisioner crashed is stale: not seen for 6\\d s"));
        List<Map<String, Object>> rows = list(stale, "roles", "provisioner");
        assertThat(rows.get(0)).containsEntry("instance", "crashed").containsEntry("reachable", false).containsEntry("version", "0.0.9");

        String node = "insert into compute_nodes (name, address, backend, memory, disk, cpus, agent_version, first_seen, last_heartbeat,"
                + " alive, maintenance, retired_at) values (?, '127.0.0.1', 'runc', 4096, 100000, 2, '0.1.0', now(), now() - interval '2 minutes', ?, ?, ?)";
        database.execute(node, "node-a", true, true, null);
        database.execute(node, "node-b", false, false, null);
        database.execute(node, "node-c", false, false, java.sql.Timestamp.from(java.time.Instant.now()));
        Map<String, Object> withNodes = report();
        assertThat(at(withNodes, "nodes", "source")).isEqualTo("compute_nodes");
        assertThat(list(withNodes, "nodes", "nodes")).extracting(n -> n.get("name") + " " + n.get("health"))
                .as("a retired node is not reported").containsExactly("node-a maintenance", "node-b lost");
        assertThat(problems(withNodes)).anyMatch(p -> p.matches("node node-b is lost: its agent has not been seen for 1[12]\\d s.*"));
    }
}
