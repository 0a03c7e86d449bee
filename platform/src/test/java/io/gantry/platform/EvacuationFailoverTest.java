package io.gantry.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.gantry.agent.host.Cmd;
import io.gantry.common.Zone;
import io.gantry.common.ZoneState;
import io.gantry.common.coord.ZkPaths;
import io.gantry.provisioner.LeaderLoop;
import io.gantry.provisioner.placement.Strategy;
import io.gantry.testkit.SignedClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A provisioner leader dies in the middle of an evacuation (right after one of its steps is committed: its
 * ZooKeeper session ends and its thread dies), on the real record (PostgreSQL) and ZooKeeper, with two agents of
 * SIMULATED zones: the other provisioner takes over and finishes the move, with one job, one audit entry, the zone
 * on the target only, and no task or answer left behind.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EvacuationFailoverTest {
    private static final Duration SETTLE = Duration.ofSeconds(30);
    private Path work;
    private ControlPlaneFixture fixture;

    @BeforeAll
    void zooKeeper() throws Exception {
        work = Files.createTempDirectory("gantry-evacuation-failover-");
        fixture = ControlPlaneFixture.start(work.resolve("zookeeper"));
    }

    @AfterAll
    void stop() throws Exception {
        try {
            fixture.close();
        } finally {
            Cmd.run("rm", "-rf", "--one-file-system", work.toString());
        }
    }

    /** Thrown by the leader's step hook: like a crash, it ends the leader's thread (the loop only catches Exceptions). */
    private static final class SimulatedCrash extends Error {
        SimulatedCrash(String step) {
            super("simulated provisioner crash after step " + step);
        }
    }

    @ParameterizedTest(name = "crash after {0}")
    @ValueSource(strings = {"export-written", "exported", "import-written", "moved", "delete-written"})
    void theNextLeaderFinishesTheMoveOnce(String crashAfter) throws Exception {
        try (ControlPlaneFixture.Plane plane = fixture.plane()) {
            String suffix = UUID.randomUUID().toString().substring(0, 6);
            var a = plane.agent("fa" + suffix, 4096, work.resolve("fa" + suffix));
            AtomicReference<String> crashed = new AtomicReference<>();
            CuratorFramework c1 = plane.client();
            plane.provisioner("p1", Strategy.SPREAD, (job, at) -> {
                if (at.equals(crashAfter) && crashed.compareAndSet(null, "p1")) {
                    c1.close(); // the session ends with it: the other provisioner leads
                    throw new SimulatedCrash(at);
                }
            }, c1);
            SignedClient tenant = plane.account("t" + suffix);
            var r = tenant.post("/my/machines", plane.machine("mover", plane.smallPackage));
            assertThat(r.status()).as(r.body()).isEqualTo(201);
            UUID id = UUID.fromString(r.json().get("id").toString());
            Poll.until(SETTLE, () -> assertThat(tenant.get("/my/machines/" + id).state()).isEqualTo("running"));
            assertThat(tenant.post("/my/machines/" + id + "?action=stop", Map.of()).status()).isEqualTo(202);
            Poll.until(SETTLE, () -> assertThat(tenant.get("/my/machines/" + id).state()).isEqualTo("stopped"));
            var b = plane.agent("fb" + suffix, 4096, work.resolve("fb" + suffix));
            plane.provisioner("p2", Strategy.SPREAD, LeaderLoop.StepHook.NONE);
            Path key = plane.operator("admin", work.resolve("keys-" + suffix));

            GantryRun run = GantryRun.of(List.of("server", "evacuate", a.node(), "--machine", id.toString(), "--wait",
                    "--operator-key", key.toString(), "--cloudapi-url", plane.url()));

            assertThat(crashed.get()).as("the first leader crashed after " + crashAfter).isEqualTo("p1");
            assertThat(run.exit()).as(run.toString()).isZero();
            assertThat(tenant.get("/my/machines/" + id).json()).containsEntry("compute_node", b.node()).containsEntry("state", "stopped");
            assertThat(plane.jobState(id, "migrate")).isEqualTo("succeeded");
            assertThat(plane.jobCount(id)).as("provision, stop, one migrate").isEqualTo(3);
            assertThat(tenant.get("/my/machines/" + id + "/audit").list()).filteredOn(e -> "migrate".equals(e.get("action"))).hasSize(1);
            assertThat(a.backend().find(id)).as("the source's copy").isEmpty();
            assertThat(b.backend().find(id)).get().extracting(Zone::state).isEqualTo(ZoneState.STOPPED);
            CuratorFramework look = plane.client();
            for (String node : List.of(a.node(), b.node())) {
                Poll.until(SETTLE, () -> {
                    assertThat(look.getChildren().forPath(ZkPaths.tasks(node))).as("tasks left on %s", node).isEmpty();
                    assertThat(look.getChildren().forPath(ZkPaths.results(node))).as("answers left on %s", node).isEmpty();
                });
            }
        }
    }
}
