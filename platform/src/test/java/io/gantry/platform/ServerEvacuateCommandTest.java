package io.gantry.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.gantry.provisioner.LeaderLoop;
import io.gantry.provisioner.placement.Strategy;
import io.gantry.testkit.SignedClient;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import io.gantry.agent.host.Cmd;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code gantry server evacuate} against a real cloud API, provisioner and ZooKeeper, with two agents of SIMULATED
 * zones (the disk's own journey is {@link EvacuateRealZonesTest}'s): a stopped machine moves with its UUID, address,
 * tags and metadata, the tenant sees only its node change and a migrate entry in its audit; every refusal is one line
 * with its exit code and changes nothing. Each test has its own control plane, and its machines are made while only
 * the first node is up. Addresses are the control plane's, on the tenant's own networks, so a machine keeps its
 * address wherever it moves, also where another tenant's machine has the same one.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServerEvacuateCommandTest {
    private static final Duration SETTLE = Duration.ofSeconds(30);
    private Path work;
    private ControlPlaneFixture fixture;
    private ControlPlaneFixture.Plane plane;
    private Path adminKey;
    private SignedClient tenant;
    private String nodeA;
    private String nodeB;

    @BeforeAll
    void zooKeeper() throws Exception {
        work = Files.createTempDirectory("gantry-evacuate-cli-");
        fixture = ControlPlaneFixture.start(work.resolve("zookeeper"));
    }

    @AfterAll
    void stopZooKeeper() throws Exception {
        try {
            fixture.close();
        } finally {
            Cmd.run("rm", "-rf", "--one-file-system", work.toString());
        }
    }

    /** A plane of its own, with node A up (node B comes later: {@link #secondNode()}), a provisioner and a tenant. */
    @BeforeEach
    void planeWithOneNode() throws Exception {
        plane = fixture.plane();
        String suffix = UUID.randomUUID().toString().substring(0, 6);
        nodeA = "eva" + suffix;
        nodeB = "evb" + suffix;
        adminKey = plane.operator("admin", work.resolve("keys-" + suffix));
        plane.agent(nodeA, 4096, work.resolve(nodeA));
        plane.provisioner("p1", Strategy.SPREAD, LeaderLoop.StepHook.NONE);
        tenant = plane.account("evac");
    }

    @AfterEach
    void closePlane() {
        plane.close();
    }

    private void secondNode() throws Exception {
        plane.agent(nodeB, 4096, work.resolve(nodeB));
    }

    private GantryRun gantry(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--operator-key", adminKey.toString(), "--cloudapi-url", plane.url()));
        return GantryRun.of(all);
    }

    /** Refused with {@code exit}: nothing on stdout, one error line (the agents in this JVM may log beside it). */
    private static void assertRefused(GantryRun run, int exit, String says) {
        assertThat(run.exit()).as(run.toString()).isEqualTo(exit);
        assertThat(run.out()).isEmpty();
        assertThat(errors(run)).as(run.toString()).singleElement().asString().contains(says);
    }

    private static List<String> errors(GantryRun run) {
        return run.err().lines().filter(l -> l.startsWith("gantry: ")).toList();
    }

    private UUID machine(String name, boolean stopped) {
        Map<String, Object> body = new HashMap<>(plane.machine(name, plane.smallPackage));
        body.put("tag.role", "web");
        body.put("metadata.note", "kept");
        var r = tenant.post("/my/machines", body);
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        UUID id = UUID.fromString(r.json().get("id").toString());
        Poll.until(SETTLE, () -> assertThat(tenant.get("/my/machines/" + id).state()).isEqualTo("running"));
        if (stopped) {
            assertThat(tenant.post("/my/machines/" + id + "?action=stop", Map.of()).status()).isEqualTo(202);
            Poll.until(SETTLE, () -> assertThat(tenant.get("/my/machines/" + id).state()).isEqualTo("stopped"));
        }
        return id;
    }

    private Map<String, Object> view(UUID id) {
        return tenant.get("/my/machines/" + id).json();
    }

    @Test
    void aStoppedMachineMovesWithEverythingButItsNode() throws Exception {
        UUID id = machine("mover", true);
        secondNode();
        Map<String, Object> before = view(id);
        String from = before.get("compute_node").toString();
        String other = nodeB;
        assertThat(from).isEqualTo(nodeA);

        GantryRun run = gantry("server", "evacuate", from, "--machine", id.toString(), "--wait");

        assertThat(run.exit()).as(run.toString()).isZero();
        // the steps between are printed as the polls see them; simulated zones pass them too quickly to see each
        assertThat(run.out()).startsWith("evacuating machine " + id + " (mover) from " + from + ": job ")
                .endsWith("  done: machine " + id + " is on node " + other + "\n");
        Map<String, Object> after = view(id);
        assertThat(after.get("compute_node")).isEqualTo(other);
        Map<String, Object> expected = new HashMap<>(before);
        expected.put("compute_node", other);
        after.remove("updated");
        expected.remove("updated");
        assertThat(after).as("the tenant sees the same machine: id, name, address, tags, metadata, state").isEqualTo(expected);
        assertThat(tenant.get("/my/machines/" + id + "/tags").json()).containsEntry("role", "web");
        assertThat(tenant.get("/my/machines/" + id + "/metadata").json()).containsEntry("note", "kept");
        List<Map<String, Object>> audit = tenant.get("/my/machines/" + id + "/audit").list();
        assertThat(audit).anySatisfy(e -> assertThat(e).containsEntry("action", "migrate").containsEntry("success", "yes"));
        assertThat(audit.toString()).doesNotContain("token");

        assertThat(tenant.post("/my/machines/" + id + "?action=start", Map.of()).status()).isEqualTo(202);
        Poll.until(SETTLE, () -> assertThat(tenant.get("/my/machines/" + id).state()).isEqualTo("running"));
        assertThat(view(id).get("compute_node")).as("it starts on its new node").isEqualTo(other);
        assertThat(gantry("ops", "audit", "--limit", "20").out()).containsPattern("(?m)^\\S+ +admin +machine-evacuate +" + id + " +ok$");
    }

    @Test
    void refusalsAreOneLineAndChangeNothing() throws Exception {
        UUID running = machine("busy", false);
        secondNode();
        String node = view(running).get("compute_node").toString();
        int jobs = plane.jobCount(running);
        assertRefused(gantry("server", "evacuate", node, "--machine", running.toString()), 1,
                "cannot evacuate a machine that is running; only a stopped machine moves: stop it first [InvalidState]");
        UUID nobody = UUID.randomUUID();
        assertRefused(gantry("server", "evacuate", node, "--machine", nobody.toString()), 3,
                "machine " + nobody + " is not on node " + node + " [ResourceNotFound]");
        assertRefused(gantry("server", "evacuate", node, "--machine", "nope"), 2, "'nope' is not a UUID");
        assertThat(plane.jobCount(running)).isEqualTo(jobs);
        assertThat(view(running).get("state")).isEqualTo("running");

        UUID stopped = machine("stay", true);
        String at = view(stopped).get("compute_node").toString();
        assertRefused(gantry("server", "evacuate", at, "--machine", stopped.toString(), "--to", at), 2,
                "is on node " + at + " already; name another node [InvalidArgument]");
        assertRefused(gantry("server", "evacuate", at, "--machine", stopped.toString(), "--to", "nowhere", "--wait"), 3,
                "there is no compute node named nowhere [ResourceNotFound]");
        Map<String, Object> still = view(stopped);
        assertThat(still.get("compute_node")).isEqualTo(at);
        assertThat(still.get("state")).isEqualTo("stopped");
    }

    @Test
    void withoutMachineEveryStoppedMachineOfTheNodeMovesAndRunningOnesStay() throws Exception {
        UUID one = machine("one", true);
        UUID two = machine("two", true);
        UUID up = machine("up", false);
        secondNode();
        GantryRun run = gantry("server", "evacuate", nodeA, "--wait");
        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.out()).contains("machine " + up + " (up) is running: left on " + nodeA)
                .contains("  done: machine " + one + " is on node " + nodeB).contains("  done: machine " + two + " is on node " + nodeB);
        assertThat(view(one).get("compute_node")).isEqualTo(nodeB);
        assertThat(view(two).get("compute_node")).isEqualTo(nodeB);
        assertThat(view(up).get("compute_node")).isEqualTo(nodeA);
        assertThat(view(up).get("state")).isEqualTo("running");
        assertThat(gantry("server", "evacuate", nodeA).out()).contains("no stopped machine on node " + nodeA);
    }

    @Test
    void aMachineKeepsItsAddressOnANodeWhereAnotherTenantHasTheSameOne() throws Exception {
        UUID id = machine("here", true);
        secondNode();
        SignedClient other = plane.account("other");
        var r = other.post("/my/machines", plane.machine("there", plane.smallPackage)); // SPREAD: on the empty node B
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        UUID there = UUID.fromString(r.json().get("id").toString());
        Poll.until(SETTLE, () -> assertThat(other.get("/my/machines/" + there).json()).containsEntry("compute_node", nodeB)
                .containsEntry("state", "running"));
        Object address = view(id).get("primaryIp");
        assertThat(other.get("/my/machines/" + there).json().get("primaryIp")).as("both tenants' default fabrics overlap")
                .isEqualTo(address);

        GantryRun run = gantry("server", "evacuate", nodeA, "--machine", id.toString(), "--wait");
        assertThat(run.exit()).as(run.toString()).isEqualTo(0);
        assertThat(view(id)).containsEntry("compute_node", nodeB).containsEntry("primaryIp", address);
    }
}
