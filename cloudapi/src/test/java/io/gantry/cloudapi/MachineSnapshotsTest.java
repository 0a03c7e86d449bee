package io.gantry.cloudapi;

import static org.assertj.core.api.Assertions.assertThat;

import io.gantry.common.JobKind;
import io.gantry.common.Json;
import io.gantry.common.ZoneState;
import io.gantry.record.JdbcSql;
import io.gantry.record.JobLedger;
import io.gantry.testkit.SignedClient;
import io.vertx.core.Vertx;
import java.sql.DriverManager;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Machine snapshots through the real API on a real PostgreSQL, with a limit of 3 per machine: create, list, get, start
 * from, delete, with Triton's states; another tenant's machine and snapshots are not found; deleting the machine deletes
 * its snapshots. No provisioner runs: a job's end is recorded through the {@code JobLedger} as the provisioner records
 * it, with the job's params and what the node answered joined to them.
 */
@SuppressWarnings("unchecked")
class MachineSnapshotsTest {
    private static TestPlatform platform;
    private static SignedClient alice;
    private static SignedClient bob;

    @BeforeAll
    static void start() throws Exception {
        platform = new TestPlatform(Vertx.vertx(), 0, c -> c.withSnapshotLimit(3));
        alice = platform.account("sa" + UUID.randomUUID().toString().substring(0, 8));
        bob = platform.account("sb" + UUID.randomUUID().toString().substring(0, 8));
    }

    @AfterAll
    static void stop() throws Exception {
        if (platform != null) {
            platform.close();
        }
    }

    private static String runningMachine(SignedClient who, String name) throws Exception {
        var r = who.post("/my/machines", Map.of("name", name, "image", platform.image.toString(), "package", platform.smallPackage.toString()));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        String id = r.json().get("id").toString();
        finishJobs(id, ZoneState.RUNNING, null, Map.of());
        return id;
    }

    /** Ends the machine's open jobs as the provisioner does: their recorded params, with {@code answered} joined. */
    private static List<String> finishJobs(String machine, ZoneState state, String error, Map<String, Object> answered) throws Exception {
        List<String> kinds = new java.util.ArrayList<>();
        try (var c = DriverManager.getConnection(platform.db.jdbcUrl(), platform.db.user(), platform.db.password())) {
            c.setAutoCommit(false);
            for (var row : platform.query("select id, action, params, caller from jobs where machine_id = ? and state in ('queued',"
                    + " 'placed', 'dispatched') order by created", UUID.fromString(machine))) {
                Map<String, Object> params = new LinkedHashMap<>(Json.read(row.get(2).toString(), Map.class));
                params.putAll(answered);
                var job = new JobLedger.Job(UUID.fromString(row.get(0).toString()), UUID.fromString(machine),
                        JobKind.fromWire(row.get(1).toString()), params, row.get(3).toString());
                new JobLedger(new JdbcSql(c)).finish(job, state, null, error).toCompletableFuture().join();
                kinds.add(row.get(1).toString());
            }
            c.commit();
        }
        return kinds;
    }

    private static void assertError(SignedClient.Reply r, int status, String code, String messagePart) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.json().get("code")).as(r.body()).isEqualTo(code);
        assertThat(r.json().get("message").toString()).as(r.body()).contains(messagePart).doesNotContain("\n").doesNotContain("Exception");
    }

    @Test
    void aSnapshotIsQueuedThenCreatedAndTheMachineStartsFromItAndItIsDeleted() throws Exception {
        String id = runningMachine(alice, "snapper");
        String base = "/my/machines/" + id + "/snapshots";
        var made = alice.post(base, Map.of("name", "before-upgrade"));
        assertThat(made.status()).as(made.body()).isEqualTo(201);
        assertThat(made.json()).containsEntry("name", "before-upgrade").containsEntry("state", "queued").containsKeys("created", "updated");
        assertThat(made.headers().firstValue("Location").orElseThrow()).endsWith("/machines/" + id + "/snapshots/before-upgrade");
        assertThat(alice.get(base + "/before-upgrade").json()).containsEntry("state", "queued");
        assertError(alice.post(base + "/before-upgrade", Map.of()), 409, "InvalidState", "only from a created snapshot");

        assertThat(finishJobs(id, ZoneState.RUNNING, null, Map.of(JobLedger.SNAPSHOT_BYTES_PARAM, 123456))).containsExactly("snapshot_create");
        assertThat(alice.get(base + "/before-upgrade").json()).containsEntry("state", "created").containsEntry("size", 123456);
        assertThat(alice.get(base).list()).extracting(s -> s.get("name")).containsExactly("before-upgrade");
        assertError(alice.post(base, Map.of("name", "before-upgrade")), 409, "InvalidArgument", "already has a snapshot named 'before-upgrade'");
        assertError(alice.post(base, Map.of("name", "../escape")), 409, "InvalidArgument", "not valid");
        assertError(alice.post(base, Map.of("name", "x".repeat(65))), 409, "InvalidArgument", "not valid");

        // StartMachineFromSnapshot: the machine shows stopping until its node has rolled back and started it
        var boot = alice.post(base + "/before-upgrade", Map.of());
        assertThat(boot.status()).as(boot.body()).isEqualTo(202);
        assertThat(alice.get("/my/machines/" + id).json()).containsEntry("state", "stopping");
        assertThat(platform.query("select params from jobs where machine_id = ? and action = 'start_from_snapshot'", UUID.fromString(id)))
                .extracting(r -> r.get(0).toString()).containsExactly("{\"name\":\"before-upgrade\"}");
        assertThat(finishJobs(id, ZoneState.RUNNING, null, Map.of())).containsExactly("start_from_snapshot");
        assertThat(alice.get("/my/machines/" + id).json()).containsEntry("state", "running");

        var deleted = alice.delete(base + "/before-upgrade");
        assertThat(deleted.status()).as(deleted.body()).isEqualTo(204);
        assertThat(alice.get(base + "/before-upgrade").json()).containsEntry("state", "deleting");
        assertThat(finishJobs(id, ZoneState.RUNNING, null, Map.of())).containsExactly("snapshot_delete");
        assertError(alice.get(base + "/before-upgrade"), 404, "ResourceNotFound", "before-upgrade");
        assertThat(alice.get(base).list()).isEmpty();
        // the audit trail names the snapshot jobs as Triton does (the triton CLI's `snapshot delete -w` waits for delete_snapshot)
        assertThat(alice.get("/my/machines/" + id + "/audit").list()).extracting(a -> a.get("action"))
                .contains("create_snapshot", "start_from_snapshot", "delete_snapshot");
    }

    @Test
    void aSnapshotWithoutANameIsNamedAfterTheTimeAndAFailedOneSaysSo() throws Exception {
        String id = runningMachine(alice, "unnamed");
        var made = alice.post("/my/machines/" + id + "/snapshots", Map.of());
        assertThat(made.status()).as(made.body()).isEqualTo(201);
        String name = made.json().get("name").toString();
        assertThat(name).matches("\\d{8}T\\d{6}\\.\\d{3}Z");
        finishJobs(id, ZoneState.RUNNING, "snapshot 'x' of zone y does not fit on the zone's disk", Map.of());
        assertThat(alice.get("/my/machines/" + id + "/snapshots/" + name).json()).containsEntry("state", "failed");
        assertError(alice.post("/my/machines/" + id + "/snapshots/" + name, Map.of()), 409, "InvalidState", "is failed");
        assertError(alice.post("/my/machines/" + id + "/snapshots/nope", Map.of()), 404, "ResourceNotFound", "'nope'");
        assertThat(alice.delete("/my/machines/" + id + "/snapshots/" + name).status()).isEqualTo(204);
        finishJobs(id, ZoneState.RUNNING, null, Map.of());
        assertThat(alice.get("/my/machines/" + id + "/snapshots").list()).isEmpty();
    }

    @Test
    void aSnapshotDeletedBeforeItWasMadeStaysDeletingUntilItIsGone() throws Exception {
        String id = runningMachine(alice, "hasty");
        String base = "/my/machines/" + id + "/snapshots";
        assertThat(alice.post(base, Map.of("name", "brief")).status()).isEqualTo(201);
        assertThat(alice.delete(base + "/brief").status()).isEqualTo(204);
        assertThat(alice.get(base + "/brief").json()).containsEntry("state", "deleting");
        assertThat(alice.delete(base + "/brief").status()).as("deleting again is done already").isEqualTo(204);
        assertThat(platform.jobCount(UUID.fromString(id))).as("provision, create, one delete").isEqualTo(3);
        // the create's end (first in line) does not bring it back; the delete's end removes it
        assertThat(finishJobs(id, ZoneState.RUNNING, null, Map.of(JobLedger.SNAPSHOT_BYTES_PARAM, 99)))
                .containsExactly("snapshot_create", "snapshot_delete");
        assertError(alice.get(base + "/brief"), 404, "ResourceNotFound", "brief");
    }

    @Test
    void anotherTenantsMachineAndSnapshotsAreNotFound() throws Exception {
        String id = runningMachine(alice, "private");
        assertThat(alice.post("/my/machines/" + id + "/snapshots", Map.of("name", "mine")).status()).isEqualTo(201);
        String base = "/my/machines/" + id + "/snapshots";
        assertError(bob.get(base), 404, "ResourceNotFound", "not found");
        assertError(bob.get(base + "/mine"), 404, "ResourceNotFound", "not found");
        assertError(bob.post(base, Map.of("name", "theirs")), 404, "ResourceNotFound", "not found");
        assertError(bob.post(base + "/mine", Map.of()), 404, "ResourceNotFound", "not found");
        assertError(bob.delete(base + "/mine"), 404, "ResourceNotFound", "not found");
        assertThat(platform.scalar("select count(*) from machine_snapshots where machine_id = ?", UUID.fromString(id))).isEqualTo(1);
        assertThat(platform.jobCount(UUID.fromString(id))).as("provision and the one snapshot").isEqualTo(2);
        assertError(alice.get("/my/machines/not-a-uuid/snapshots"), 404, "ResourceNotFound", "machine not-a-uuid");
    }

    @Test
    void aMachineHoldsAtMostTheLimitOfSnapshots() throws Exception {
        String id = runningMachine(alice, "limited");
        for (String n : List.of("a", "b", "c")) {
            assertThat(alice.post("/my/machines/" + id + "/snapshots", Map.of("name", n)).status()).isEqualTo(201);
        }
        assertError(alice.post("/my/machines/" + id + "/snapshots", Map.of("name", "d")), 409, "InvalidArgument",
                "has 3 snapshots, the most a machine may have; delete one first");
        finishJobs(id, ZoneState.RUNNING, null, Map.of(JobLedger.SNAPSHOT_BYTES_PARAM, 10));
        assertThat(alice.delete("/my/machines/" + id + "/snapshots/a").status()).isEqualTo(204);
        finishJobs(id, ZoneState.RUNNING, null, Map.of());
        assertThat(alice.post("/my/machines/" + id + "/snapshots", Map.of("name", "d")).status()).as("room again").isEqualTo(201);
    }

    @Test
    void deletingTheMachineDeletesItsSnapshots() throws Exception {
        String id = runningMachine(alice, "doomed");
        for (String n : List.of("one", "two")) {
            assertThat(alice.post("/my/machines/" + id + "/snapshots", Map.of("name", n)).status()).isEqualTo(201);
        }
        finishJobs(id, ZoneState.RUNNING, null, Map.of(JobLedger.SNAPSHOT_BYTES_PARAM, 10));
        assertThat(alice.delete("/my/machines/" + id).status()).isEqualTo(204);
        assertThat(platform.scalar("select count(*) from machine_snapshots where machine_id = ?", UUID.fromString(id))).isEqualTo(2);
        finishJobs(id, ZoneState.DELETED, null, Map.of());
        assertThat(platform.scalar("select count(*) from machine_snapshots where machine_id = ?", UUID.fromString(id))).isZero();
        assertError(alice.get("/my/machines/" + id + "/snapshots"), 404, "ResourceNotFound", "not found");
    }

    @Test
    void aMachineStillProvisioningHasNoSnapshotsYet() throws Exception {
        var r = alice.post("/my/machines", Map.of("name", "fresh", "image", platform.image.toString(), "package", platform.smallPackage.toString()));
        String id = r.json().get("id").toString();
        assertError(alice.post("/my/machines/" + id + "/snapshots", Map.of("name", "early")), 409, "InvalidState", "provisioning");
        finishJobs(id, ZoneState.RUNNING, null, Map.of());
    }
}
