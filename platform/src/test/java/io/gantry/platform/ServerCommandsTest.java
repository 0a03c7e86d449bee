package io.gantry.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.gantry.common.Json;
import io.gantry.provisioner.LeaderLoop;
import io.gantry.provisioner.placement.Strategy;
import io.gantry.testkit.SignedClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * {@code gantry server} against a real cloud API, provisioner and two agents (simulated zones) on real ZooKeeper and
 * PostgreSQL: the provisioner records the nodes the commands list; maintenance keeps new machines off a node; drain
 * --stop stops what runs there and waits; retire is refused while machines are there; a lost node's machines are
 * forgotten. Every refusal is one line with its exit code.
 */
class ServerCommandsTest extends WithOperatorCli {
    private static final Duration SETTLE = Duration.ofSeconds(30);

    private UUID create(SignedClient tenant, String name) {
        var r = tenant.post("/my/machines", plane.machine(name, plane.smallPackage));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return UUID.fromString(r.json().get("id").toString());
    }

    private String nodeOf(SignedClient tenant, UUID id) {
        return String.valueOf(tenant.get("/my/machines/" + id).json().get("compute_node"));
    }

    private void awaitState(SignedClient tenant, List<UUID> ids, String state) {
        Poll.until(SETTLE, () -> {
            for (UUID id : ids) {
                assertThat(tenant.get("/my/machines/" + id).state()).as("machine %s", id).isEqualTo(state);
            }
        });
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> node(String name) {
        GantryRun get = gantry("server", "get", name, "--json");
        assertThat(get.exit()).as(get.toString()).isZero();
        return Json.read(get.out(), Map.class);
    }

    @Test
    void maintenanceDrainAndRetireOfANode() throws Exception {
        plane.agent("sv1", 4096, work.resolve("sv1"));
        plane.agent("sv2", 4096, work.resolve("sv2"));
        plane.provisioner("p1", Strategy.SPREAD, LeaderLoop.StepHook.NONE);
        Poll.until(SETTLE, () -> assertThat(gantry("server", "list").out())
                .containsPattern("(?m)^sv1 +alive +0/0/4096 +0/97 +0/4 +- +\\d+s ago +\\S+$")
                .containsPattern("(?m)^sv2 +alive "));
        assertThat(gantry("server", "list").out()).containsPattern("(?m)^NAME +HEALTH +MEMORY B/U/T \\(MiB\\) +DISK B/T \\(GiB\\) +VCPUS +ZONES +HEARTBEAT +VERSION$");

        SignedClient tenant = plane.account("nodes");
        List<UUID> first = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            first.add(create(tenant, "a" + i));
        }
        awaitState(tenant, first, "running");
        List<UUID> onSv1 = first.stream().filter(id -> nodeOf(tenant, id).equals("sv1")).toList();
        assertThat(onSv1).as("spread: two each").hasSize(2);

        GantryRun on = gantry("server", "maintenance", "sv1", "on");
        assertThat(on.exit()).as(on.toString()).isZero();
        assertThat(on.out()).isEqualTo("node sv1 in maintenance: no new machines go there; what runs there keeps running\n");
        List<UUID> later = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            later.add(create(tenant, "b" + i));
        }
        awaitState(tenant, later, "running");
        assertThat(later).allSatisfy(id -> assertThat(nodeOf(tenant, id)).isEqualTo("sv2"));
        awaitState(tenant, onSv1, "running"); // what ran there keeps running
        Poll.until(SETTLE, () -> assertThat(gantry("server", "list").out())
                .containsPattern("(?m)^sv1 +maintenance +256/256/4096 +2/97 +2/4 +running=2 ")
                .containsPattern("(?m)^sv2 +alive +640/640/4096 +5/97 +5/4 +running=5 "));

        GantryRun drain = gantry("server", "drain", "sv1", "--stop");
        assertThat(drain.exit()).as(drain.toString()).isZero();
        assertThat(drain.out()).startsWith("node sv1 in maintenance; stopping 2 running machines (oldest first)\n")
                .contains("stopped 2/2\n").endsWith("every machine on node sv1 is stopped\n");
        awaitState(tenant, onSv1, "stopped");
        assertThat(plane.jobState(onSv1.get(0), "stop")).isEqualTo("succeeded");
        GantryRun get = gantry("server", "get", "sv1");
        assertThat(get.out()).contains("health:       maintenance").containsPattern("(?m)^" + onSv1.get(0) + " +a\\d +nodes +stopped$");

        GantryRun busy = gantry("server", "retire", "sv1");
        assertRefused(busy, 1, "node sv1 still has 2 machines (2 stopped); stop and delete them");
        assertThat(node("sv1")).containsEntry("health", "maintenance");
        for (UUID id : onSv1) {
            assertThat(tenant.delete("/my/machines/" + id).status()).isEqualTo(204);
        }
        awaitState(tenant, onSv1, "deleted");
        GantryRun retire = gantry("server", "retire", "sv1");
        assertThat(retire.exit()).as(retire.toString()).isZero();
        assertThat(retire.out()).isEqualTo("node sv1 retired: no machine will be placed there again\n");
        assertThat(node("sv1")).containsEntry("health", "retired");
        assertRefused(gantry("server", "maintenance", "sv1", "off"), 1, "node sv1 is retired; it cannot leave maintenance [InvalidState]");
        assertRefused(gantry("server", "drain", "sv1", "--stop"), 1, "node sv1 is retired; there is nothing on it to drain [InvalidState]");

        GantryRun audit = gantry("ops", "audit");
        assertThat(audit.out()).containsPattern("(?m)^\\S+ +admin +node-maintenance +sv1 +ok$")
                .containsPattern("(?m)^\\S+ +admin +node-drain +sv1 +ok$")
                .containsPattern("(?m)^\\S+ +admin +node-retire +sv1 +failed: InvalidState: node sv1 still has 2 machines")
                .containsPattern("(?m)^\\S+ +admin +node-retire +sv1 +ok$");
    }

    @Test
    void aLostNodesMachinesAreForgottenAndTheNodeRetired() throws Exception {
        var lost = plane.agent("sv3", 4096, work.resolve("sv3"));
        plane.agent("sv4", 4096, work.resolve("sv4"));
        plane.provisioner("p2", Strategy.SPREAD, LeaderLoop.StepHook.NONE);
        gantry("server", "maintenance", "sv4", "on"); // may not be recorded yet: retried below
        Poll.until(SETTLE, () -> assertThat(gantry("server", "maintenance", "sv4", "on").exit()).isZero());
        SignedClient tenant = plane.account("lost");
        UUID m = create(tenant, "on-lost");
        awaitState(tenant, List.of(m), "running");
        assertThat(nodeOf(tenant, m)).isEqualTo("sv3");

        assertRefused(gantry("server", "forget-machines", "sv3"), 2, "add --yes if the node is gone for good [InvalidArgument]");
        assertRefused(gantry("server", "forget-machines", "sv3", "--yes"), 1, "node sv3 is alive; only a lost node's machines can be forgotten");

        lost.coordinator().close(); // its advert goes, as when its host dies
        Poll.until(SETTLE, () -> assertThat(gantry("server", "list").out()).containsPattern("(?m)^sv3 +lost +"));
        awaitState(tenant, List.of(m), "unknown");
        GantryRun forget = gantry("server", "forget-machines", "sv3", "--yes");
        assertThat(forget.exit()).as(forget.toString()).isZero();
        assertThat(forget.out()).isEqualTo("node sv3: 1 machine marked failed; their tenants can delete them\n");
        var failed = tenant.get("/my/machines/" + m);
        assertThat(failed.state()).isEqualTo("failed");
        assertThat(tenant.delete("/my/machines/" + m).status()).isEqualTo(204);
        awaitState(tenant, List.of(m), "deleted");
        assertThat(gantry("server", "retire", "sv3").exit()).isZero();
        assertThat(node("sv3")).containsEntry("health", "retired");
    }

    @Test
    void badInputIsOneLineWithItsExitCode() {
        assertRefused(gantry("server", "get", "nosuch"), 3, "node nosuch not found [ResourceNotFound]");
        assertRefused(gantry("server", "maintenance", "nosuch", "on"), 3, "node nosuch not found [ResourceNotFound]");
        assertRefused(gantry("server", "retire", "nosuch"), 3, "node nosuch not found");
        assertRefused(gantry("server", "get", "Bad_Name"), 2, "node name must be 1-16 lower-case letters");
        assertRefused(gantry("server", "maintenance", "nosuch", "maybe"), 2, "maintenance must be on or off, got 'maybe' [InvalidArgument]");
        assertRefused(gantry("server", "drain", "nosuch"), 2, "--stop or --leave-running");
        assertRefused(gantry("server", "drain", "nosuch", "--stop", "--leave-running"), 2, "--stop or --leave-running");
        assertRefused(gantry("server", "drain", "nosuch", "--stop", "--timeout", "0"), 2, "--timeout must be a positive number");
        assertRefused(gantry("server", "drain", "nosuch", "--stop"), 3, "node nosuch not found");
        assertRefused(gantry("server", "frobnicate"), 2, "'frobnicate'");
    }
}
