package io.gantry.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.gantry.agent.host.Cmd;
import io.gantry.agent.host.HostProbe;
import io.gantry.agent.runc.RuncZoneBackend;
import io.gantry.cloudapi.Seed;
import io.gantry.common.Zone;
import io.gantry.common.ZoneState;
import io.gantry.provisioner.LeaderLoop;
import io.gantry.provisioner.placement.Strategy;
import io.gantry.testkit.SignedClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * An operator steers two real runc nodes with {@code gantry server}: maintenance keeps new machines off one, drain --stop
 * stops every zone running there (oldest machine first) and the record says stopped, retire is refused while machines
 * are there and accepted once they are deleted. Needs root and runc.
 */
@Tag("zones")
class NodeDrainRuncTest {
    private static final Duration SETTLE = Duration.ofSeconds(90);

    @Test
    void maintenanceKeepsMachinesOffDrainStopsThemInOrderAndRetireWaitsForDeletes() throws Exception {
        HostProbe.whyNoRealZones().ifPresent(why -> assumeTrue(false, why));
        Path work = Files.createTempDirectory("gantry-node-drain-");
        String suffix = Long.toString(ProcessHandle.current().pid() % 1000);
        List<RuncZoneBackend> backends = new ArrayList<>();
        try (ControlPlaneFixture fixture = ControlPlaneFixture.start(work.resolve("zookeeper"));
             ControlPlaneFixture.Plane plane = fixture.plane()) {
            String imageId = null;
            List<String> nodes = new ArrayList<>();
            for (int i = 1; i <= 2; i++) {
                String node = "dr" + i + "x" + suffix;
                nodes.add(node);
                imageId = plane.startRuncAgent(work, node, backends);
            }
            String drained = nodes.get(0);
            String other = nodes.get(1);
            try (Seed seed = new Seed(plane.db)) {
                seed.image("busybox", "1.0.0", "other", imageId, "busybox, as every node imported it");
            }
            plane.provisioner("p1", Strategy.SPREAD, LeaderLoop.StepHook.NONE);
            Path key = plane.operator("admin", work.resolve("keys"));
            Cli cli = new Cli(plane.url(), key);
            SignedClient tenant = plane.account("drainer");
            Poll.until(SETTLE, () -> assertThat(cli.run("server", "list").out())
                    .containsPattern("(?m)^" + drained + " +alive ").containsPattern("(?m)^" + other + " +alive "));

            List<UUID> first = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                first.add(create(plane, tenant, "a" + i));
                Thread.sleep(20); // distinct creation times: the drain's order is theirs
            }
            awaitState(tenant, first, "running");
            List<UUID> onDrained = first.stream().filter(id -> nodeOf(tenant, id).equals(drained)).toList();
            assertThat(onDrained).as("spread over two nodes").hasSize(2);

            assertThat(cli.run("server", "maintenance", drained, "on").exit()).isZero();
            List<UUID> later = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                later.add(create(plane, tenant, "b" + i));
            }
            awaitState(tenant, later, "running");
            assertThat(later).as("maintenance: new machines go elsewhere").allSatisfy(id -> assertThat(nodeOf(tenant, id)).isEqualTo(other));
            assertThat(backends.get(0).list()).as("what ran there keeps running").hasSize(2)
                    .allSatisfy(z -> assertThat(z.state()).isEqualTo(ZoneState.RUNNING));

            GantryRun drain = cli.run("server", "drain", drained, "--stop", "--timeout", "120");
            assertThat(drain.exit()).as(drain.toString()).isZero();
            assertThat(drain.out()).contains("stopping 2 running machines (oldest first)").contains("stopped 2/2")
                    .contains("every machine on node " + drained + " is stopped");
            for (UUID id : onDrained) {
                assertThat(tenant.get("/my/machines/" + id).state()).as("recorded stopped").isEqualTo("stopped");
                assertThat(plane.jobState(id, "stop")).isEqualTo("succeeded");
            }
            assertThat(plane.query("select j.machine_id from jobs j join machines m on m.id = j.machine_id where j.action = 'stop'"
                    + " and m.compute_node = ? order by j.created", drained)).as("stop jobs queued oldest machine first")
                    .extracting(r -> r.get(0)).containsExactlyElementsOf(onDrained);
            for (Zone z : backends.get(0).list()) {
                assertThat(z.state()).as("zone %s really stopped", z.uuid()).isEqualTo(ZoneState.STOPPED);
            }
            assertThat(backends.get(1).list()).hasSize(4).allSatisfy(z -> assertThat(z.state()).isEqualTo(ZoneState.RUNNING));

            GantryRun busy = cli.run("server", "retire", drained);
            assertThat(busy.exit()).as(busy.toString()).isEqualTo(1);
            assertThat(busy.err()).contains("node " + drained + " still has 2 machines (2 stopped)");
            for (UUID id : onDrained) {
                assertThat(tenant.delete("/my/machines/" + id).status()).isEqualTo(204);
            }
            awaitState(tenant, onDrained, "deleted");
            GantryRun retire = cli.run("server", "retire", drained);
            assertThat(retire.exit()).as(retire.toString()).isZero();
            assertThat(cli.run("server", "list").out()).containsPattern("(?m)^" + drained + " +retired ");
            assertThat(backends.get(0).list()).isEmpty();

            List<UUID> rest = new ArrayList<>(first);
            rest.removeAll(onDrained);
            rest.addAll(later);
            for (UUID id : rest) {
                assertThat(tenant.delete("/my/machines/" + id).status()).isEqualTo(204);
            }
            awaitState(tenant, rest, "deleted");
        } finally {
            for (RuncZoneBackend backend : backends) {
                backend.destroyNode();
            }
            Cmd.run("rm", "-rf", "--one-file-system", work.toString());
        }
    }

    private static UUID create(ControlPlaneFixture.Plane plane, SignedClient tenant, String name) {
        var r = tenant.post("/my/machines", plane.machine(name, plane.smallPackage));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return UUID.fromString(r.json().get("id").toString());
    }

    private static String nodeOf(SignedClient tenant, UUID id) {
        return String.valueOf(tenant.get("/my/machines/" + id).json().get("compute_node"));
    }

    private static void awaitState(SignedClient tenant, List<UUID> ids, String state) {
        Poll.until(SETTLE, () -> {
            for (UUID id : ids) {
                assertThat(tenant.get("/my/machines/" + id).state()).as("machine %s", id).isEqualTo(state);
            }
        });
    }

    /** gantry as the operator, in this JVM. */
    private record Cli(String url, Path key) {
        GantryRun run(String... args) {
            List<String> all = new ArrayList<>(List.of(args));
            all.addAll(List.of("--operator-key", key.toString(), "--cloudapi-url", url));
            return GantryRun.of(all);
        }
    }
}
