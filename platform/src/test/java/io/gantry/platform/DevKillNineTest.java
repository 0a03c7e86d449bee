package io.gantry.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.gantry.agent.host.Cmd;
import io.gantry.agent.host.HostProbe;
import io.gantry.cloudapi.auth.SshPublicKey;
import io.gantry.common.Json;
import io.gantry.common.coord.ZkPaths;
import io.gantry.testkit.LoopbackPort;
import io.gantry.testkit.SignedClient;
import io.gantry.testkit.TestKeys;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * `gantry dev` as its own process, killed with SIGKILL while ten machines are being created through
 * the cloud API, then started again on the same state directory and ports: it must stop the
 * PostgreSQL the dead run left behind, and every machine the API accepted must end up running,
 * exactly once, with exactly one runc zone each and no zone nobody asked for. Needs root and runc.
 */
@Tag("zones")
class DevKillNineTest {
    private static final Duration SETTLE = Duration.ofSeconds(60);
    private static final int MACHINES = 10;
    private static final String RUNNING = "gantry dev is running";

    @Test
    void devKilledDuringTenCreatesComesBackAndRunsEveryAcceptedMachineOnce() throws Exception {
        HostProbe.whyNoRealZones().ifPresent(why -> assumeTrue(false, why));
        Path work = Files.createTempDirectory("gantry-dev-kill9-");
        String node = "dk" + ProcessHandle.current().pid() % 10000;
        Path state = work.resolve("state");
        Path postgresDir = state.resolve("dev/postgres");
        Path log = work.resolve("dev.log");
        KeyPair key = demoKey(work.resolve("ssh"));
        SshPublicKey pub = SshPublicKey.parse(Files.readString(work.resolve("ssh/gantry-dev-id_rsa.pub")));
        int apiPort = LoopbackPort.free();
        int zkPort = LoopbackPort.free();
        String[] devArgs = {"--node", node, "--state-dir", state.toString(), "dev",
                "--api-port", Integer.toString(apiPort), "--zk-port", Integer.toString(zkPort),
                "--db-port", Integer.toString(LoopbackPort.free()), "--metering-port", Integer.toString(LoopbackPort.free()),
                "--key-dir", work.resolve("ssh").toString(), "--portal-port", Integer.toString(LoopbackPort.free()), "--no-keycloak",
                "--image-store-port", Integer.toString(LoopbackPort.free())};
        SignedClient demo = new SignedClient("http://127.0.0.1:" + apiPort, "demo", pub.md5Fingerprint(), key);
        Set<UUID> accepted = ConcurrentHashMap.newKeySet();
        ChildRoles roles = new ChildRoles();
        ExecutorService clients = Executors.newFixedThreadPool(MACHINES); // the common pool may have one thread: not concurrent
        try {
            Process dev = roles.start(log, Map.of(), devArgs);
            ChildRoles.awaitLine(dev, log, RUNNING);
            String image = busyboxImage(demo);

            // ten creates, 150 ms apart; the kill lands once the first zone exists, while later creates are
            // still being answered and the agent is building the zones of those already accepted
            List<CompletableFuture<Void>> creates = new ArrayList<>();
            for (int i = 0; i < MACHINES; i++) {
                int n = i;
                creates.add(CompletableFuture.runAsync(() -> {
                    sleep(150L * n);
                    try {
                        var r = demo.post("/my/machines", Map.of("name", "k9-" + n, "image", image, "package", "gantry-128M"));
                        if (r.status() == 201 || r.status() == 202) {
                            accepted.add(UUID.fromString(r.json().get("id").toString()));
                        }
                    } catch (IllegalStateException refused) {
                        // the connection died with gantry dev: not accepted
                    }
                }, clients));
            }
            Poll.until(Duration.ofSeconds(30), () -> assertThat(runcZones(node)).as("zones made before the kill").isNotEmpty());
            ChildRoles.kill9(dev);
            CompletableFuture.allOf(creates.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            System.out.printf("gantry dev killed with %d of %d creates accepted and %d zones made%n", accepted.size(), MACHINES,
                    runcZones(node).size());
            assertThat(accepted).as("creates accepted before the kill").isNotEmpty();
            long stale = StalePostgres.find(postgresDir).orElse(-1);
            assertThat(stale).as("the killed run left its PostgreSQL running (the defect this recovers from)").isPositive();

            long restart = System.nanoTime();
            Process again = roles.start(log, Map.of(), devArgs);
            ChildRoles.awaitLine(again, log, RUNNING, 2);
            long up = System.nanoTime();
            assertThat(Files.readString(log)).as("dev says it stopped the stale server")
                    .containsOnlyOnce("gantry dev: stopped a stale PostgreSQL (pid " + stale + ") left by an earlier run of this data directory");
            assertThat(StalePostgres.alive(stale)).as("the stale PostgreSQL is gone").isFalse();
            Path adminKey = work.resolve("ssh/" + DevPlatform.OPERATOR_KEY_FILE);
            assertThat(Files.readString(log)).as("dev says how to act as its operator")
                    .contains("Operator 'admin' (key " + adminKey + ") sets limits through the cloud API");
            assertThat(ChildRoles.inProcess("limit", "list", "demo", "--cloudapi-url", "http://127.0.0.1:" + apiPort,
                    "--operator-key", adminKey.toString()))
                    .as("the seeded operator, with the key dev wrote, reads the demo account's seeded limits")
                    .containsPattern("(?m)^count +20 -$").containsPattern("(?m)^ram +8192 -$");

            Poll.until(SETTLE, () -> {
                List<Map<String, Object>> machines = demo.get("/my/machines").list();
                Map<UUID, String> stateOf = new HashMap<>();
                for (Map<String, Object> m : machines) {
                    assertThat(stateOf.put(UUID.fromString(m.get("id").toString()), String.valueOf(m.get("state"))))
                            .as("machine %s listed once", m.get("id")).isNull();
                }
                assertThat(stateOf.keySet()).as("every accepted machine is in the record").containsAll(accepted);
                // a create whose answer was lost in the kill may still have been committed: it must run too
                assertThat(stateOf).as("every recorded machine runs; none is left provisioning or failed")
                        .allSatisfy((id, s) -> assertThat(s).as("machine %s", id).isEqualTo("running"));
                Map<String, String> zones = runcZones(node);
                Set<String> recorded = new HashSet<>();
                stateOf.keySet().forEach(id -> recorded.add(id.toString()));
                assertThat(zones.keySet()).as("runc zones on the node are exactly the machines' (no orphan, none missing)")
                        .containsExactlyInAnyOrderElementsOf(recorded);
                assertThat(zones).as("every zone runs").allSatisfy((id, s) -> assertThat(s).isEqualTo("running"));
            });
            try (CuratorFramework zk = Coordination.connect("127.0.0.1:" + zkPort)) {
                Poll.until(Duration.ofSeconds(10), () -> {
                    assertThat(zk.getChildren().forPath(ZkPaths.tasks(node))).as("tasks left queued for the node").isEmpty();
                    assertThat(zk.getChildren().forPath(ZkPaths.results(node))).as("results nobody collected").isEmpty();
                });
            }
            System.out.printf("gantry dev was up again after %d ms; every machine ran %d ms later%n", (up - restart) / 1_000_000,
                    (System.nanoTime() - up) / 1_000_000);
        } catch (Throwable e) {
            System.out.println("gantry dev said:\n" + Files.readString(log));
            throw e;
        } finally {
            clients.shutdownNow();
            cleanUp(roles, demo, node, state, postgresDir, work);
        }
    }

    /** The zones runc knows on the node, container id → status: the node's own truth, not the agent's record. */
    private static Map<String, String> runcZones(String node) {
        Cmd.Result r = Cmd.run("runc", "--root", "/run/gantry/" + node + "/runc", "list", "--format", "json");
        assertThat(r.ok()).as(r.stderr()).isTrue();
        String json = r.stdout().strip();
        Map<String, String> zones = new HashMap<>();
        if (json.isEmpty() || json.equals("null")) {
            return zones;
        }
        for (Object o : Json.read(json, List.class)) {
            Map<?, ?> c = (Map<?, ?>) o;
            assertThat(zones.put(String.valueOf(c.get("id")), String.valueOf(c.get("status")))).as("container %s once", c.get("id")).isNull();
        }
        return zones;
    }

    private static String busyboxImage(SignedClient demo) {
        for (Map<String, Object> i : demo.get("/my/images").list()) {
            if ("busybox".equals(i.get("name"))) {
                return i.get("id").toString();
            }
        }
        throw new AssertionError("gantry dev seeded no busybox image");
    }

    /** The demo account's key pair, made here so the test can sign: gantry dev reuses a pair it finds. */
    private static KeyPair demoKey(Path dir) throws Exception {
        KeyPair key = TestKeys.rsa();
        Files.createDirectories(dir);
        String pem = "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(key.getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n";
        Files.writeString(dir.resolve("gantry-dev-id_rsa"), pem);
        Files.writeString(dir.resolve("gantry-dev-id_rsa.pub"), TestKeys.openSsh(key, "gantry-dev") + "\n");
        return key;
    }

    /** Deletes the machines through the API, stops dev with SIGTERM, then removes whatever is left: also after a failure. */
    private static void cleanUp(ChildRoles roles, SignedClient demo, String node, Path state, Path postgresDir, Path work) throws Exception {
        try {
            List<Map<String, Object>> machines = demo.get("/my/machines").list();
            for (Map<String, Object> m : machines) {
                demo.delete("/my/machines/" + m.get("id"));
            }
            Poll.until(SETTLE, () -> assertThat(demo.get("/my/machines").list()).as("machines left").isEmpty());
        } catch (RuntimeException | AssertionError e) {
            System.err.println("cleaning up: the machines could not all be deleted through the API (" + e.getMessage()
                    + "); node destroy removes their zones");
        }
        roles.close(); // SIGTERM, SIGKILL after 30 s
        StalePostgres.stop(postgresDir); // left by a dev that had to be killed
        ChildRoles.inProcess("--node", node, "--state-dir", state.toString(), "node", "destroy", "--yes");
        Cmd.run("rm", "-rf", "--one-file-system", work.toString());
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
