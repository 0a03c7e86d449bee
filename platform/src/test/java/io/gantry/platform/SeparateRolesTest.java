package io.gantry.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.gantry.agent.host.Cmd;
import io.gantry.agent.host.HostProbe;
import io.gantry.cloudapi.Seed;
import io.gantry.cloudapi.auth.SshPublicKey;
import io.gantry.cloudapi.store.DatabaseConfig;
import io.gantry.testkit.FreshDatabase;
import io.gantry.testkit.LoopbackPort;
import io.gantry.testkit.SignedClient;
import io.gantry.testkit.TestKeys;
import io.gantry.testkit.TestPostgres;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The deployment shape of docs/configuration.md: `gantry cloudapi` (configured by a $GANTRY_CONFIG
 * file), `gantry provisioner` (by environment) and `gantry agent --zk` (by options), each its own
 * process, on a PostgreSQL and a ZooKeeper they did not start. A machine created through the API
 * runs on the agent's node. Needs root and runc (the agent runs real zones).
 */
@Tag("zones")
class SeparateRolesTest {
    @Test
    void cloudApiProvisionerAndAgentAsSeparateProcessesRunAMachine() throws Exception {
        HostProbe.whyNoRealZones().ifPresent(why -> assumeTrue(false, why));
        Path work = Files.createTempDirectory("gantry-roles-");
        String node = "roles" + ProcessHandle.current().pid() % 1000;
        Path agentState = work.resolve("agent");
        int zkPort = LoopbackPort.free();
        int apiPort = LoopbackPort.free();
        FreshDatabase pg = TestPostgres.shared().freshDatabase("roles");
        // the roles are stopped first (resources close in reverse), while the ZooKeeper their clean stop talks to serves
        try (EmbeddedZooKeeper zk = EmbeddedZooKeeper.start(work.resolve("zookeeper"), zkPort);
             ChildRoles roles = new ChildRoles()) {
            Path config = work.resolve("cloudapi.properties");
            Files.writeString(config, String.join("\n", "port=" + apiPort, "db-host=127.0.0.1", "db-port=" + pg.port(),
                    "db-name=" + pg.name(), "db-user=" + pg.user(), "db-password=" + pg.password(), "datacenter=roles-1", ""));
            Process api = roles.start(work.resolve("cloudapi.log"), Map.of("GANTRY_CONFIG", config.toString()), "cloudapi");
            ChildRoles.awaitLine(api, work.resolve("cloudapi.log"), "cloud API on http://127.0.0.1:" + apiPort);

            Process provisioner = roles.start(work.resolve("provisioner.log"), Map.of("GANTRY_ZK", zk.connectString(),
                            "GANTRY_DB_PORT", Integer.toString(pg.port()), "GANTRY_DB_NAME", pg.name(), "GANTRY_DB_USER", pg.user(),
                            "GANTRY_DB_PASSWORD", pg.password()),
                    "provisioner", "--id", "p-roles");
            ChildRoles.awaitLine(provisioner, work.resolve("provisioner.log"), "joined the election");

            String imageId = ChildRoles.inProcess("--node", node, "--state-dir", agentState.toString(), "image", "build-busybox").strip();
            Process agent = roles.start(work.resolve("agent.log"), Map.of(), "--node", node, "--state-dir", agentState.toString(),
                    "agent", "--zk", zk.connectString(), "--interval", "1");
            ChildRoles.awaitLine(agent, work.resolve("agent.log"), "taking tasks");

            var db = new DatabaseConfig(pg.host(), pg.port(), pg.name(), pg.user(), pg.password(), 2);
            KeyPair key = TestKeys.rsa();
            SshPublicKey pub = SshPublicKey.parse(TestKeys.openSsh(key, "roles"));
            UUID image;
            try (Seed seed = new Seed(db)) {
                seed.pkg("roles-64M", 64, 256, 1, 50, 64, "small", true);
                image = seed.image("busybox", "1.0.0", "other", imageId, "busybox");
                seed.network("fabric", "10.200.0.0/16", "roles");
                seed.key(seed.account("roles", "roles@example.test"), "k", pub);
            }
            SignedClient tenant = new SignedClient("http://127.0.0.1:" + apiPort, "roles", pub.md5Fingerprint(), key);
            assertThat(tenant.get("/my/datacenters").body()).contains("roles-1");
            var made = tenant.post("/my/machines", Map.of("name", "r1", "image", image.toString(), "package", "roles-64M"));
            assertThat(made.status()).as(made.body()).isEqualTo(201);
            String id = made.json().get("id").toString();
            Poll.until(Duration.ofSeconds(60), () -> assertThat(tenant.get("/my/machines/" + id).state()).isEqualTo("running"));
            assertThat(tenant.get("/my/machines/" + id).json().get("compute_node")).isEqualTo(node);
            // each role says it is alive in the record, which the operators' health report reads
            Poll.until(Duration.ofSeconds(20), () -> assertThat(pg.query("select role, instance, leader from role_heartbeats order by role"))
                    .containsExactly(List.of("cloudapi", RoleCommands.hostName() + ":" + apiPort, false), List.of("provisioner", "p-roles", true)));

            assertThat(tenant.delete("/my/machines/" + id).status()).isEqualTo(204);
            Poll.until(Duration.ofSeconds(60), () -> assertThat(tenant.get("/my/machines/" + id).state()).isEqualTo("deleted"));
        } finally {
            ChildRoles.inProcess("--node", node, "--state-dir", agentState.toString(), "node", "destroy", "--yes");
            Cmd.run("rm", "-rf", "--one-file-system", work.toString());
        }
    }
}
