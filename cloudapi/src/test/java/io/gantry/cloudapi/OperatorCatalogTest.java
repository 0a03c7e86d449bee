package io.gantry.cloudapi;

import static org.assertj.core.api.Assertions.assertThat;

import io.gantry.testkit.SignedClient;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The operators' catalogue (/ops/packages, /ops/images) through the real API: packages added with every field
 * checked, deprecated (hidden from tenants, refused for new machines and as a resize target, kept by the machines that
 * have them), removed only when no machine has them; images likewise. Every refusal is one CloudAPI error and
 * changes nothing; every change is in the operators' audit log.
 */
class OperatorCatalogTest extends WithTestPlatform {
    private static SignedClient admin;

    @BeforeAll
    static void start() throws Exception {
        admin = platform.operator("cat" + suffix());
    }

    private static String suffix() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    private static void assertError(SignedClient.Reply r, int status, String code, String messagePart) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.json().get("code")).as(r.body()).isEqualTo(code);
        assertThat(r.json().get("message").toString()).as(r.body()).contains(messagePart).doesNotContain("\n");
    }

    private static Map<String, Object> pkg(String name, Object... more) {
        Map<String, Object> body = new LinkedHashMap<>(Map.of("name", name, "memory", 256, "disk", 1024, "vcpus", 1));
        for (int i = 0; i < more.length; i += 2) {
            if (more[i + 1] == null) {
                body.remove((String) more[i]);
            } else {
                body.put((String) more[i], more[i + 1]);
            }
        }
        return body;
    }

    private static Map<String, Object> add(String name, Object... more) {
        var r = admin.post("/ops/packages", pkg(name, more));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json();
    }

    private static Map<String, Object> lastAudit() {
        return admin.get("/ops/audit?limit=1").list().get(0);
    }

    private static List<Object> names(SignedClient.Reply r) {
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.list().stream().map(m -> m.get("name")).toList();
    }

    @Test
    void anAddedPackageHasEveryFieldAndTenantsSeeIt() throws Exception {
        String name = "p-" + suffix();
        Map<String, Object> p = add(name, "memory", 512, "swap", 1024, "disk", 2048, "vcpus", 2, "lwps", 900, "version", "2.1.0",
                "group", "general", "description", "half a GiB", "traits", Map.of("ssd", true));
        assertThat(p).containsEntry("name", name).containsEntry("memory", 512).containsEntry("swap", 1024).containsEntry("disk", 2048)
                .containsEntry("vcpus", 2).containsEntry("cpu_cap", 200).containsEntry("lwps", 900).containsEntry("version", "2.1.0")
                .containsEntry("group", "general").containsEntry("description", "half a GiB").containsEntry("traits", Map.of("ssd", true))
                .containsEntry("active", true).containsEntry("machines", 0);
        Map<String, Object> defaults = add("d-" + suffix());
        assertThat(defaults).containsEntry("swap", 256).containsEntry("cpu_cap", 100).containsEntry("lwps", 4000)
                .containsEntry("version", "1.0.0").doesNotContainKey("group");

        SignedClient tenant = platform.account("t" + suffix());
        assertThat(names(tenant.get("/my/packages"))).contains(name);
        assertThat(tenant.get("/my/packages/" + p.get("id")).json()).containsEntry("name", name).containsEntry("memory", 512);
        assertThat(admin.get("/ops/packages/" + name).json()).containsEntry("id", p.get("id"));
        assertThat(admin.get("/ops/packages/" + p.get("id")).json()).containsEntry("name", name);
        assertThat(lastAudit()).containsEntry("action", "package-add").containsEntry("success", true);

        var machine = tenant.post("/my/machines", Map.of("name", "m1", "image", platform.image.toString(), "package", name));
        assertThat(machine.status()).as(machine.body()).isEqualTo(201);
        assertThat(admin.get("/ops/packages/" + name).json()).containsEntry("machines", 1);
    }

    @Test
    void badPackagesAreRefusedInOneLineAndAddNothing() {
        String name = "b-" + suffix();
        long before = platform.scalar("select count(*) from packages");
        assertError(admin.post("/ops/packages", pkg(name, "memory", null)), 409, "InvalidArgument", "memory is required");
        assertError(admin.post("/ops/packages", pkg(name, "memory", "lots")), 409, "InvalidArgument", "memory must be a whole non-negative number");
        assertError(admin.post("/ops/packages", pkg(name, "memory", 1.5)), 409, "InvalidArgument", "memory must be a whole non-negative number");
        assertError(admin.post("/ops/packages", pkg(name, "memory", -1)), 409, "InvalidArgument", "memory must be a whole");
        assertError(admin.post("/ops/packages", pkg(name, "memory", 8)), 409, "InvalidArgument", "memory must be at least 16 MiB");
        assertError(admin.post("/ops/packages", pkg(name, "swap", 128)), 409, "InvalidArgument", "swap (128 MiB) must be at least memory");
        assertError(admin.post("/ops/packages", pkg(name, "disk", 4)), 409, "InvalidArgument", "disk must be at least 32 MiB");
        assertError(admin.post("/ops/packages", pkg(name, "vcpus", 0)), 409, "InvalidArgument", "vcpus must be 1 to");
        assertError(admin.post("/ops/packages", pkg(name, "lwps", 2)), 409, "InvalidArgument", "lwps must be at least 32");
        assertError(admin.post("/ops/packages", pkg(name, "memory", 1L << 50)), 409, "InvalidArgument", "memory must be at most");
        assertError(admin.post("/ops/packages", pkg("-x")), 409, "InvalidArgument", "package name must be 1-64 letters");
        assertError(admin.post("/ops/packages", pkg("a b")), 409, "InvalidArgument", "package name must be");
        assertError(admin.post("/ops/packages", pkg(UUID.randomUUID().toString())), 409, "InvalidArgument", "must not be a UUID");
        assertError(admin.post("/ops/packages", pkg(name, "version", "1 0")), 409, "InvalidArgument", "package version must be");
        assertError(admin.post("/ops/packages", pkg(name, "description", "two\nlines")), 409, "InvalidArgument", "on one line");
        assertError(admin.post("/ops/packages", pkg(name, "traits", "ssd")), 409, "InvalidArgument", "traits must be an object");
        assertError(admin.post("/ops/packages", pkg(name, "traits", Map.of("ssd", 3))), 409, "InvalidArgument", "must be a string, a boolean");
        assertError(admin.post("/ops/packages", pkg(name, "ram", 5)), 409, "InvalidArgument", "unknown package field 'ram'");
        assertError(admin.post("/ops/packages", pkg(name, "name", null)), 409, "InvalidArgument", "package name is required");
        assertThat(platform.scalar("select count(*) from packages")).isEqualTo(before);
        assertThat(lastAudit()).containsEntry("action", "package-add").containsEntry("success", false);

        add(name);
        assertError(admin.post("/ops/packages", pkg(name, "version", "2.0.0")), 409, "InvalidArgument", "package " + name + " exists");
        assertError(admin.post("/ops/packages", pkg(name)), 409, "InvalidArgument", "package " + name + " exists");
        assertThat(platform.scalar("select count(*) from packages")).isEqualTo(before + 1);

        assertError(admin.get("/ops/packages/none-" + suffix()), 404, "ResourceNotFound", "not found");
        assertError(admin.post("/ops/packages/none-" + suffix() + "?action=deprecate", Map.of()), 404, "ResourceNotFound", "not found");
        assertError(admin.delete("/ops/packages/none-" + suffix()), 404, "ResourceNotFound", "not found");
        assertError(admin.post("/ops/packages/" + name + "?action=hide", Map.of()), 409, "InvalidArgument", "action must be deprecate or activate");
    }

    @Test
    void aDeprecatedPackageIsHiddenAndRefusedForNewMachinesButKeptByItsMachines() throws Exception {
        String old = "old-" + suffix();
        String next = "next-" + suffix();
        add(old);
        add(next, "memory", 512);
        String login = "t" + suffix();
        SignedClient tenant = platform.account(login);
        var machine = tenant.post("/my/machines", Map.of("name", "keeps", "image", platform.image.toString(), "package", old));
        assertThat(machine.status()).as(machine.body()).isEqualTo(201);
        String id = machine.json().get("id").toString();
        platform.markRunning(login);

        var deprecated = admin.post("/ops/packages/" + old + "?action=deprecate", Map.of());
        assertThat(deprecated.status()).as(deprecated.body()).isEqualTo(200);
        assertThat(deprecated.json()).containsEntry("active", false).containsEntry("machines", 1);
        assertThat(lastAudit()).containsEntry("action", "package-deprecate").containsEntry("target", old).containsEntry("success", true);
        assertThat(names(tenant.get("/my/packages"))).doesNotContain(old).contains(next);
        assertThat(tenant.get("/my/packages/" + old).json()).as("a machine's own package still answers").containsEntry("name", old);
        assertThat(names(admin.get("/ops/packages"))).contains(old, next);

        long machines = platform.scalar("select count(*) from machines");
        assertError(tenant.post("/my/machines", Map.of("name", "new", "image", platform.image.toString(), "package", old)), 409,
                "InvalidArgument", "package " + old + " is deprecated: new machines cannot use it");
        assertThat(platform.scalar("select count(*) from machines")).isEqualTo(machines);
        assertThat(tenant.get("/my/machines/" + id).json()).containsEntry("package", old);

        var resized = tenant.post("/my/machines/" + id + "?action=resize&package=" + next, Map.of());
        assertThat(resized.status()).as("resize away from a deprecated package: " + resized.body()).isEqualTo(202);
        platform.markRunning(login);
        platform.execute("update jobs set state = 'succeeded' where machine_id = ?", UUID.fromString(id));
        platform.execute("update machines set resizing_from = null, state = 'running' where id = ?", UUID.fromString(id));
        assertError(tenant.post("/my/machines/" + id + "?action=resize&package=" + old, Map.of()), 409, "InvalidArgument",
                "package " + old + " is deprecated: machines cannot be resized to it");

        var activated = admin.post("/ops/packages/" + old + "?action=activate", Map.of());
        assertThat(activated.json()).containsEntry("active", true);
        assertThat(names(tenant.get("/my/packages"))).contains(old);
    }

    @Test
    void aPackageIsRemovedOnlyOnceNoMachineHasIt() throws Exception {
        String name = "rm-" + suffix();
        add(name);
        String login = "t" + suffix();
        SignedClient tenant = platform.account(login);
        var machine = tenant.post("/my/machines", Map.of("name", "user", "image", platform.image.toString(), "package", name));
        assertThat(machine.status()).as(machine.body()).isEqualTo(201);

        assertError(admin.delete("/ops/packages/" + name), 409, "InvalidState", "package " + name + " is used by 1 machine");
        assertThat(admin.get("/ops/packages/" + name).status()).isEqualTo(200);
        assertThat(lastAudit()).containsEntry("action", "package-remove").containsEntry("success", false);

        platform.execute("update machines set state = 'deleted' where id = ?", UUID.fromString(machine.json().get("id").toString()));
        var removed = admin.delete("/ops/packages/" + name);
        assertThat(removed.status()).as(removed.body()).isEqualTo(204);
        assertError(admin.get("/ops/packages/" + name), 404, "ResourceNotFound", "package " + name + " not found");
        assertError(tenant.post("/my/machines", Map.of("name", "late", "image", platform.image.toString(), "package", name)), 409,
                "InvalidArgument", "package " + name + " does not exist");
        assertThat(lastAudit()).containsEntry("action", "package-remove").containsEntry("success", true);
    }

    @Test
    void aDeprecatedImageIsHiddenRefusedForNewMachinesAndRemovedOnlyWhenUnused() throws Exception {
        String name = "img-" + suffix();
        UUID v1;
        UUID v2;
        try (Seed seed = new Seed(platform.db)) {
            v1 = seed.image(name, "1.0.0", "other", "busybox", "first");
            v2 = seed.image(name, "2.0.0", "other", "busybox", "second");
        }
        String login = "t" + suffix();
        SignedClient tenant = platform.account(login);
        var machine = tenant.post("/my/machines", Map.of("name", "on-v1", "image", v1.toString(), "package", "small"));
        assertThat(machine.status()).as(machine.body()).isEqualTo(201);

        assertError(admin.post("/ops/images/" + name + "?action=deprecate", Map.of()), 409, "InvalidArgument", "has 2 versions (1.0.0, 2.0.0)");
        var deprecated = admin.post("/ops/images/" + name + "@1.0.0?action=deprecate", Map.of());
        assertThat(deprecated.status()).as(deprecated.body()).isEqualTo(200);
        assertThat(deprecated.json()).containsEntry("state", "deprecated").containsEntry("machines", 1).containsEntry("id", v1.toString());
        assertThat(lastAudit()).containsEntry("action", "image-deprecate").containsEntry("target", name + "@1.0.0");

        List<Map<String, Object>> shown = tenant.get("/my/images?name=" + name).list();
        assertThat(shown).extracting(i -> i.get("id")).containsExactly(v2.toString());
        assertThat(tenant.get("/my/images?name=" + name + "&state=all").list()).hasSize(2);
        assertThat(tenant.get("/my/images?state=deprecated").list()).extracting(i -> i.get("id")).contains(v1.toString());
        assertError(tenant.post("/my/machines", Map.of("name", "new", "image", v1.toString(), "package", "small")), 409, "InvalidArgument",
                "image " + name + "@1.0.0 is deprecated: new machines cannot use it");
        var byName = tenant.post("/my/machines", Map.of("name", "by-name", "image", name, "package", "small"));
        assertThat(byName.status()).as("a name picks the active version: " + byName.body()).isEqualTo(201);
        assertThat(byName.json()).containsEntry("image", v2.toString());
        assertThat(tenant.get("/my/machines/" + machine.json().get("id")).json()).containsEntry("image", v1.toString());

        assertError(admin.delete("/ops/images/" + v1), 409, "InvalidState", "image " + name + "@1.0.0 is used by 1 machine");
        platform.execute("update machines set state = 'deleted' where id = ?", UUID.fromString(machine.json().get("id").toString()));
        assertThat(admin.delete("/ops/images/" + v1).status()).isEqualTo(204);
        assertError(admin.get("/ops/images/" + v1), 404, "ResourceNotFound", "not found");
        assertThat(admin.get("/ops/images/" + name).json()).containsEntry("id", v2.toString()).containsEntry("machines", 1);
        assertThat(admin.get("/ops/images").list()).extracting(i -> i.get("name")).contains(name);
        assertError(admin.delete("/ops/images/none-" + suffix()), 404, "ResourceNotFound", "not found");
        assertError(admin.post("/ops/images/" + v2 + "?action=", Map.of()), 409, "InvalidArgument", "action must be deprecate or activate");
    }

    @Test
    void aRemovalRacingCreatesNeverLeavesAMachineWithoutItsPackage() throws Exception {
        for (int round = 0; round < 3; round++) {
            String name = "race-" + suffix();
            String id = add(name).get("id").toString();
            SignedClient tenant = platform.account("t" + suffix());
            var pool = java.util.concurrent.Executors.newFixedThreadPool(7);
            try {
                List<java.util.concurrent.Future<SignedClient.Reply>> creates = new java.util.ArrayList<>();
                for (int i = 0; i < 6; i++) {
                    String machine = "m" + i;
                    creates.add(pool.submit(() -> tenant.post("/my/machines", Map.of("name", machine, "image", platform.image.toString(),
                            "package", id))));
                }
                var removal = pool.submit(() -> admin.delete("/ops/packages/" + id));
                int removed = removal.get().status();
                assertThat(removed).as(removal.get().body()).isIn(204, 409);
                long created = 0;
                for (var create : creates) {
                    var r = create.get();
                    assertThat(r.status()).as(r.body()).isIn(201, 409);
                    created += r.status() == 201 ? 1 : 0;
                }
                long machines = platform.scalar("select count(*) from machines where package_id = ? and state <> 'deleted'", UUID.fromString(id));
                assertThat(machines).isEqualTo(created);
                if (removed == 204) {
                    assertThat(machines).as("a machine was created of a package removed at the same time").isZero();
                } else {
                    assertThat(machines).isPositive();
                    assertThat(admin.get("/ops/packages/" + id).status()).isEqualTo(200);
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void tenantsCannotCallTheCatalogueRoutes() throws Exception {
        SignedClient tenant = platform.account("t" + suffix());
        long before = platform.scalar("select count(*) from packages");
        assertError(tenant.post("/ops/packages", pkg("sneaky-" + suffix())), 403, "NotAuthorized", "is not an operator");
        assertError(tenant.get("/ops/images"), 403, "NotAuthorized", "is not an operator");
        assertError(tenant.get("/ops/health"), 403, "NotAuthorized", "is not an operator");
        assertThat(platform.scalar("select count(*) from packages")).isEqualTo(before);
    }
}
