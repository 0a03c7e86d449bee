package io.gantry.cloudapi;

import static org.assertj.core.api.Assertions.assertThat;

import io.gantry.testkit.SignedClient;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Operators' evacuations (/ops/machines/:id?action=evacuate): a stopped machine's migrate job is queued with what its
 * target needs; a running, busy or unknown machine, or a bad target, is refused in one line with nothing changed;
 * every attempt is in the operators' audit log. (The provisioner and agents carry the job out: platform tests.)
 */
class OperatorEvacuationsTest extends WithTestPlatform {
    private static SignedClient admin;

    @BeforeAll
    static void start() throws Exception {
        admin = platform.operator("ev" + suffix());
        String node = "insert into compute_nodes (name, address, backend, memory, disk, cpus, first_seen, last_heartbeat, alive, maintenance)"
                + " values (?, '127.0.0.1', 'simulated', 4096, 100000, 2, now(), now(), true, ?) on conflict (name) do nothing";
        platform.execute(node, "node-2", false);
        platform.execute(node, "ev-maintenance", true);
    }

    private static String suffix() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    /** A tenant's machine, created through the API and settled by hand as the provisioner would ({@code stopped} or {@code running}, on node-1). */
    private static UUID machine(String state) throws Exception {
        String login = "t" + suffix();
        SignedClient tenant = platform.account(login);
        var r = tenant.post("/my/machines", Map.of("name", "m1", "image", platform.image.toString(), "package", "small"));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        if (state.equals("stopped")) {
            platform.markStopped(login);
        } else {
            platform.markRunning(login);
        }
        return UUID.fromString(r.json().get("id").toString());
    }

    private static void assertError(SignedClient.Reply r, int status, String code, String message) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.json()).containsEntry("code", code).containsEntry("message", message);
    }

    private static Map<String, Object> lastAudit() {
        var r = admin.get("/ops/audit?limit=1");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.list().get(0);
    }

    @Test
    void aStoppedMachinesEvacuationIsQueuedAuditedAndShownAsAJob() throws Exception {
        UUID m = machine("stopped");
        var r = admin.post("/ops/machines/" + m + "?action=evacuate&node=node-2", Map.of());
        assertThat(r.status()).as(r.body()).isEqualTo(202);
        assertThat(r.json()).containsEntry("machine", m.toString()).containsEntry("source", "node-1").containsEntry("target", "node-2");
        String job = r.json().get("job").toString();

        assertThat(platform.scalar("select count(*) from jobs where id = ? and action = 'migrate' and state = 'queued'", UUID.fromString(job)))
                .isEqualTo(1);
        var status = admin.get("/ops/jobs/" + job);
        assertThat(status.status()).as(status.body()).isEqualTo(200);
        assertThat(status.json()).containsEntry("action", "migrate").containsEntry("state", "queued").containsEntry("step", "placing")
                .containsEntry("source", "node-1").containsEntry("target", "node-2").doesNotContainKey("token");
        assertThat(lastAudit()).containsEntry("action", "machine-evacuate").containsEntry("target", m.toString())
                .containsEntry("success", true);

        var listed = admin.get("/ops/machines?node=node-1");
        assertThat(listed.status()).as(listed.body()).isEqualTo(200);
        assertThat(listed.list()).anySatisfy(x -> assertThat(x).containsEntry("id", m.toString()).containsEntry("state", "stopped"));

        // already migrating: refused, no second job
        assertError(admin.post("/ops/machines/" + m + "?action=evacuate", Map.of()), 409, "InvalidState",
                "machine " + m + " has a migrate job in progress; wait until it ends");
        assertThat(platform.jobCount(m)).isEqualTo(2); // its provision and the one evacuation
        assertThat(lastAudit()).containsEntry("action", "machine-evacuate").containsEntry("success", false);
    }

    @Test
    void aRunningMachineIsRefusedAndNothingChanges() throws Exception {
        UUID m = machine("running");
        int jobs = platform.jobCount(m);
        assertError(admin.post("/ops/machines/" + m + "?action=evacuate", Map.of()), 409, "InvalidState",
                "cannot evacuate a machine that is running; only a stopped machine moves: stop it first");
        assertThat(platform.jobCount(m)).isEqualTo(jobs);
        assertThat(lastAudit()).containsEntry("action", "machine-evacuate").containsEntry("success", false)
                .containsEntry("error", "InvalidState: cannot evacuate a machine that is running; only a stopped machine moves: stop it first");
    }

    @Test
    void anUnknownMachineOrBadTargetIsRefusedInOneLine() throws Exception {
        UUID nobody = UUID.randomUUID();
        assertError(admin.post("/ops/machines/" + nobody + "?action=evacuate", Map.of()), 404, "ResourceNotFound",
                "machine " + nobody + " does not exist");
        assertError(admin.post("/ops/machines/not-a-uuid?action=evacuate", Map.of()), 409, "InvalidArgument",
                "'not-a-uuid' is not a UUID (expected the form 8-4-4-4-12 hex digits)");

        UUID m = machine("stopped");
        int jobs = platform.jobCount(m);
        assertError(admin.post("/ops/machines/" + m + "?action=evacuate&node=node-1", Map.of()), 409, "InvalidArgument",
                "machine " + m + " is on node node-1 already; name another node");
        assertError(admin.post("/ops/machines/" + m + "?action=evacuate&node=Not_A_Node", Map.of()), 409, "InvalidArgument",
                "node must be a node's name (1-16 lower-case letters, digits or '-'); got 'Not_A_Node'");
        assertError(admin.post("/ops/machines/" + m + "?action=evacuate&node=node-9", Map.of()), 404, "ResourceNotFound",
                "there is no compute node named node-9");
        assertError(admin.post("/ops/machines/" + m + "?action=evacuate&node=ev-maintenance", Map.of()), 409, "InvalidState",
                "node ev-maintenance is in maintenance: it takes no machines; name another node");
        assertError(admin.post("/ops/machines/" + m + "?action=fly", Map.of()), 409, "InvalidArgument", "action must be evacuate, got 'fly'");
        assertThat(platform.jobCount(m)).isEqualTo(jobs);
        assertError(admin.get("/ops/jobs/" + nobody), 404, "ResourceNotFound", "job " + nobody + " does not exist");
    }

    @Test
    void aTenantCannotEvacuate() throws Exception {
        SignedClient tenant = platform.account("x" + suffix());
        var r = tenant.post("/ops/machines/" + UUID.randomUUID() + "?action=evacuate", Map.of());
        assertThat(r.status()).as(r.body()).isEqualTo(403);
    }
}
