package io.gantry.cloudapi;

import static org.assertj.core.api.Assertions.assertThat;

import io.gantry.common.JobKind;
import io.gantry.common.Json;
import io.gantry.common.ZoneState;
import io.gantry.common.coord.TaskResult;
import io.gantry.record.JdbcSql;
import io.gantry.record.JobLedger;
import io.gantry.testkit.SignedClient;
import java.sql.DriverManager;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Tenants' own images through the real API on PostgreSQL (CreateImageFromMachine, DeleteImage): made only from a
 * stopped machine, creating until the node's answer makes them active or failed, seen and used only by their owner,
 * deleted only by their owner and only while no machine has them. No provisioner runs: the tests end the IMAGE_CREATE
 * job as the provisioner does, through {@link JobLedger}.
 */
class ImagesFromMachinesTest extends WithTestPlatform {
    private static final String DIGEST = "ab".repeat(32);

    private static String suffix() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    private static void assertError(SignedClient.Reply r, int status, String code, String messagePart) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.json().get("code")).as(r.body()).isEqualTo(code);
        assertThat(r.json().get("message").toString()).as(r.body()).contains(messagePart).doesNotContain("\n");
    }

    private static String machine(SignedClient tenant, String image) {
        var r = tenant.post("/my/machines", Map.of("image", image, "package", platform.smallPackage.toString()));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json().get("id").toString();
    }

    private static String stoppedMachine(SignedClient tenant) {
        String id = machine(tenant, platform.image.toString());
        platform.markStopped(tenant.account());
        return id;
    }

    private static Map<String, Object> create(SignedClient tenant, String machine, String name, String version) {
        var r = tenant.post("/my/images", Map.of("machine", machine, "name", name, "version", version,
                "description", "made here", "homepage", "https://example.test/img", "tags", Map.of("role", "web")));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json();
    }

    /** Ends the machine's open IMAGE_CREATE job as the provisioner does with the node's answer. */
    private static void finishImageJob(String machine, TaskResult.MadeImage made, String error) throws Exception {
        var rows = platform.query("select id, params, caller from jobs where machine_id = ? and action = ? and state = 'queued'",
                UUID.fromString(machine), JobKind.IMAGE_CREATE.wireName());
        assertThat(rows).hasSize(1);
        var row = rows.get(0);
        @SuppressWarnings("unchecked")
        Map<String, Object> params = Json.read(row.get(1).toString(), Map.class);
        var job = new JobLedger.Job(UUID.fromString(row.get(0).toString()), UUID.fromString(machine), JobKind.IMAGE_CREATE, params,
                row.get(2).toString());
        try (var c = DriverManager.getConnection(platform.db.jdbcUrl(), platform.db.user(), platform.db.password())) {
            c.setAutoCommit(false);
            new JobLedger(new JdbcSql(c)).finish(job, ZoneState.STOPPED, null, error, made).toCompletableFuture().join();
            c.commit();
        }
    }

    private static List<Object> ids(SignedClient.Reply r) {
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.list().stream().map(i -> i.get("id")).toList();
    }

    @Test
    void anImageIsMadeFromAStoppedMachineOnlyAndBecomesActiveWithTheNodesFile() throws Exception {
        SignedClient tenant = platform.account("img" + suffix());
        String owner = tenant.get("/my").json().get("id").toString();
        String running = machine(tenant, platform.image.toString());
        platform.markRunning(tenant.account());
        assertError(tenant.post("/my/images", Map.of("machine", running, "name", "web", "version", "1.0")), 409, "InvalidState",
                "stop it first");
        assertThat(platform.scalar("select count(*) from images where owner_account = ?", UUID.fromString(owner))).isZero();

        String stopped = stoppedMachine(tenant);
        Map<String, Object> image = create(tenant, stopped, "web", "1.0");
        assertThat(image).containsEntry("name", "web").containsEntry("version", "1.0").containsEntry("state", "creating")
                .containsEntry("public", false).containsEntry("owner", owner).containsEntry("origin", platform.image.toString())
                .containsEntry("description", "made here").containsEntry("homepage", "https://example.test/img")
                .containsEntry("tags", Map.of("role", "web")).containsEntry("os", "other");
        String id = image.get("id").toString();
        assertThat(tenant.get("/my/machines/" + stopped).json()).as("the machine stays stopped").containsEntry("state", "stopped");
        assertThat(tenant.get("/my/images/" + id).json()).containsEntry("state", "creating");
        assertThat(ids(tenant.get("/my/images"))).as("ListImages shows active images by default").doesNotContain(id);
        assertThat(ids(tenant.get("/my/images?state=all"))).contains(id);
        assertError(tenant.post("/my/machines", Map.of("image", id, "package", platform.smallPackage.toString())), 409,
                "InvalidArgument", "is creating");

        assertError(tenant.post("/my/images", Map.of("machine", stopped, "name", "web", "version", "1.0")), 409, "InvalidArgument",
                "already have an image web@1.0");
        assertError(tenant.post("/my/images", Map.of("machine", stopped, "name", "web")), 409, "MissingParameter", "version is required");
        assertError(tenant.post("/my/images", Map.of("machine", stopped, "name", "../x", "version", "1")), 409, "InvalidArgument",
                "image name '../x' is not valid");
        assertError(tenant.post("/my/images", Map.of("machine", UUID.randomUUID().toString(), "name", "w", "version", "1")), 404,
                "ResourceNotFound", "not found");

        finishImageJob(stopped, new TaskResult.MadeImage(DIGEST, 4096), null);
        assertThat(tenant.get("/my/images/" + id).json()).containsEntry("state", "active").doesNotContainKey("error");
        assertThat(platform.query("select node_image, size_bytes from images where id = ?", UUID.fromString(id)))
                .containsExactly(List.of(DIGEST, 4096L));
        assertThat(ids(tenant.get("/my/images"))).contains(id, platform.image.toString());
        assertThat(ids(tenant.get("/my/images?public=false"))).containsExactly(id);

        String fromImage = machine(tenant, id);
        assertThat(platform.query("select params from jobs where machine_id = ? and action = 'provision'", UUID.fromString(fromImage))
                .get(0).get(0).toString()).as("the node provisions from the file's digest").contains(DIGEST);
    }

    @Test
    void aFailedImageSaysWhy() throws Exception {
        SignedClient tenant = platform.account("fail" + suffix());
        String stopped = stoppedMachine(tenant);
        String id = create(tenant, stopped, "broken", "1").get("id").toString();
        finishImageJob(stopped, null, "no image store is advertised");
        Map<String, Object> failed = tenant.get("/my/images/" + id).json();
        assertThat(failed).containsEntry("state", "failed");
        assertThat(failed.get("error")).isEqualTo(Map.of("code", "ImageCreationFailed", "message", "no image store is advertised"));
        assertThat(tenant.delete("/my/images/" + id).status()).as("a failed image can be deleted").isEqualTo(204);
    }

    @Test
    void anotherTenantNeitherSeesNorUsesNorDeletesAPrivateImage() throws Exception {
        SignedClient owner = platform.account("own" + suffix());
        SignedClient other = platform.account("oth" + suffix());
        String stopped = stoppedMachine(owner);
        String id = create(owner, stopped, "secret", "2.0").get("id").toString();
        finishImageJob(stopped, new TaskResult.MadeImage(DIGEST, 10), null);

        assertError(other.get("/my/images/" + id), 404, "ResourceNotFound", "not found");
        assertError(other.get("/my/images/secret"), 404, "ResourceNotFound", "not found");
        assertThat(ids(other.get("/my/images?state=all"))).doesNotContain(id).contains(platform.image.toString());
        assertError(other.post("/my/machines", Map.of("image", id, "package", platform.smallPackage.toString())), 409,
                "InvalidArgument", "does not exist");
        assertError(other.post("/my/machines", Map.of("image", "secret", "package", platform.smallPackage.toString())), 409,
                "InvalidArgument", "does not exist");
        assertError(other.delete("/my/images/" + id), 404, "ResourceNotFound", "not found");
        assertError(other.post("/my/images", Map.of("machine", stopped, "name", "stolen", "version", "1")), 404,
                "ResourceNotFound", "not found");

        String otherStopped = stoppedMachine(other);
        assertThat(create(other, otherStopped, "secret", "2.0")).as("name@version is unique per owner").containsEntry("state", "creating");
        assertThat(owner.get("/my/images/" + id).json()).containsEntry("state", "active");
    }

    @Test
    void deleteIsTheOwnersAndWaitsUntilNoMachineHasTheImage() throws Exception {
        SignedClient tenant = platform.account("del" + suffix());
        String stopped = stoppedMachine(tenant);
        String id = create(tenant, stopped, "gone", "1").get("id").toString();
        assertError(tenant.delete("/my/images/" + id), 409, "InvalidState", "still being made");
        finishImageJob(stopped, new TaskResult.MadeImage(DIGEST, 10), null);

        assertError(tenant.delete("/my/images/" + platform.image), 403, "NotAuthorized", "only images you made");
        String user = machine(tenant, id);
        assertError(tenant.delete("/my/images/" + id), 409, "InvalidState", "used by 1 machine");
        platform.execute("update machines set state = 'deleted' where id = ?", UUID.fromString(user));
        assertThat(tenant.delete("/my/images/" + id).status()).isEqualTo(204);
        assertError(tenant.get("/my/images/" + id), 404, "ResourceNotFound", "not found");
        assertError(tenant.delete("/my/images/" + id), 404, "ResourceNotFound", "not found");
        assertError(tenant.delete("/my/images/not-a-uuid"), 404, "ResourceNotFound", "not found");
        assertThat(tenant.get("/my/images/" + platform.image).status()).as("the public image is untouched").isEqualTo(200);
    }
}
