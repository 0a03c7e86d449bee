package io.gantry.cloudapi;

import static org.assertj.core.api.Assertions.assertThat;

import io.gantry.testkit.HttpSigner;
import io.gantry.testkit.SignedClient;
import io.gantry.testkit.TestKeys;
import java.security.KeyPairGenerator;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The cloud API against a real PostgreSQL: authentication, tenant scoping, admission, idempotency, errors. */
class CloudApiTest extends WithTestPlatform {
    private static Map<String, Object> create(String name, UUID pkg) {
        return Map.of("name", name, "image", platform.image.toString(), "package", pkg.toString());
    }

    @Test
    void pingNeedsNoSignatureAndAnswersWithApiVersionAndDate() throws Exception {
        var client = platform.account("pinger");
        var r = client.get("/--ping");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.headers().firstValue("Api-Version")).isPresent();
        assertThat(r.headers().firstValue("Date")).isPresent();
        assertThat(r.headers().firstValue("Request-Id")).isPresent();
    }

    @Test
    void unsignedRequestGetsInvalidCredentials() throws Exception {
        var http = java.net.http.HttpClient.newHttpClient();
        var r = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(platform.url() + "/my/machines")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.body()).contains("\"code\":\"InvalidCredentials\"");
    }

    @Test
    void ecdsaKeyNamedBySha256FingerprintSigns() throws Exception {
        var client = platform.ecdsaAccount("ec-user");
        var r = client.get("/my");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json()).containsEntry("login", "ec-user");
        assertThat(client.get("/my/keys").list()).hasSize(1);
    }

    @Test
    void ed25519KeyAddedThroughTheApiSignsAndItsNameIsUnique() throws Exception {
        var client = platform.account("key-adder");
        var pair = new net.i2p.crypto.eddsa.KeyPairGenerator().generateKeyPair();
        String text = org.apache.sshd.common.config.keys.PublicKeyEntry.toString(pair.getPublic()) + " laptop";
        var added = client.post("/my/keys", Map.of("name", "laptop", "key", text));
        assertThat(added.status()).as(added.body()).isEqualTo(201);
        String fingerprint = added.json().get("fingerprint").toString();
        assertThat(client.post("/my/keys", Map.of("name", "laptop", "key", text)).json().get("code")).isEqualTo("InvalidArgument");
        assertThat(client.post("/my/keys", Map.of("name", "junk", "key", "ssh-rsa not-base64")).status()).isEqualTo(409);

        var ed = new SignedClient(platform.url(), new HttpSigner("key-adder", fingerprint, "ed25519-sha512", data -> {
            try {
                var engine = new net.i2p.crypto.eddsa.EdDSAEngine(java.security.MessageDigest.getInstance("SHA-512"));
                engine.initSign(pair.getPrivate());
                engine.update(data);
                return engine.sign();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }));
        var me = ed.get("/my");
        assertThat(me.status()).as(me.body()).isEqualTo(200);
        assertThat(ed.get("/my/keys/laptop").json()).containsEntry("fingerprint", fingerprint);
    }

    @Test
    void bodyOverOneMebibyteIsRequestTooLarge() throws Exception {
        var client = platform.account("big-body");
        var r = client.post("/my/machines", Map.of("name", "x", "metadata.blob", "x".repeat(2 << 20)));
        assertThat(r.status()).isEqualTo(413);
        assertThat(r.json().get("code")).isEqualTo("RequestTooLarge");
    }

    @Test
    void signatureFromAnotherKeyIsRejected() throws Exception {
        var real = platform.account("forged-victim");
        // claims the victim's fingerprint but signs with a different private key
        var forger = new SignedClient(platform.url(), "forged-victim", fingerprintOf(real), TestKeys.rsa());
        var r = forger.get("/my/machines");
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.json().get("code")).isEqualTo("InvalidSignature");
        assertThat(real.get("/my/machines").status()).isEqualTo(200);
    }

    @Test
    void dateOutsideTheAllowedSkewIsRejected() throws Exception {
        var client = platform.account("late-signer");
        client.fixedDate(ZonedDateTime.now(ZoneOffset.UTC).minusMinutes(10));
        var r = client.get("/my/machines");
        assertThat(r.status()).isBetween(400, 401);
        assertThat(r.json().get("message").toString()).contains("skew");
    }

    @Test
    void deletedKeyNoLongerSigns() throws Exception {
        var client = platform.account("key-remover");
        var keys = client.get("/my/keys").list();
        assertThat(keys).hasSize(1);
        assertThat(client.delete("/my/keys/test").status()).isEqualTo(204);
        var r = client.get("/my/machines");
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.json().get("code")).isEqualTo("InvalidCredentials");
    }

    @Test
    void anotherTenantsMachineIsNotFoundAndItsAccountIsNotAuthorized() throws Exception {
        var alice = platform.account("alice");
        var mallory = platform.account("mallory");
        var made = alice.post("/my/machines", create("secret", platform.smallPackage));
        assertThat(made.status()).isEqualTo(201);
        String id = made.json().get("id").toString();
        assertThat(mallory.get("/my/machines/" + id).status()).isEqualTo(404);
        assertThat(mallory.post("/my/machines/" + id + "?action=stop", null).status()).isEqualTo(404);
        assertThat(mallory.delete("/my/machines/" + id).status()).isEqualTo(404);
        assertThat(mallory.get("/my/machines/" + id + "/tags").status()).isEqualTo(404);
        assertThat(mallory.get("/my/machines").list()).isEmpty();
        var asAlice = mallory.get("/alice/machines");
        assertThat(asAlice.status()).isEqualTo(403);
        assertThat(asAlice.json().get("code")).isEqualTo("NotAuthorized");
        assertThat(alice.get("/alice/machines/" + id).status()).isEqualTo(200);
    }

    @Test
    void fiftyConcurrentCreatesNeverOvershootTheCountLimit() throws Exception {
        var client = platform.account("burst");
        platform.limit("burst", "count", 10);
        ExecutorService pool = Executors.newFixedThreadPool(50);
        try {
            List<Callable<SignedClient.Reply>> creates = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                int n = i;
                creates.add(() -> client.post("/my/machines", create("m" + n, platform.smallPackage)));
            }
            List<SignedClient.Reply> replies = new ArrayList<>();
            for (Future<SignedClient.Reply> f : pool.invokeAll(creates)) {
                replies.add(f.get());
            }
            assertThat(replies.stream().filter(r -> r.status() == 201)).hasSize(10);
            var refused = replies.stream().filter(r -> r.status() != 201).toList();
            assertThat(refused).hasSize(40).allSatisfy(r -> {
                assertThat(r.status()).isEqualTo(403);
                assertThat(r.json().get("code")).isEqualTo("QuotaExceeded");
                assertThat(r.json().get("message").toString()).contains("at most 10 machines");
            });
        } finally {
            pool.shutdownNow();
        }
        assertThat(client.get("/my/machines").list()).hasSize(10);
        var lastPage = client.get("/my/machines?limit=4&offset=8");
        assertThat(lastPage.list()).hasSize(2);
        assertThat(lastPage.headers().firstValue("x-resource-count")).as("below the limit: the CLI's sign of the last page").contains("2");
        assertThat(lastPage.headers().firstValue("x-query-limit")).contains("4");
        var limits = client.get("/my/limits").list();
        assertThat(limits).anySatisfy(l -> {
            Map<?, ?> limit = (Map<?, ?>) l;
            assertThat(limit.get("by")).isEqualTo("count");
            assertThat(limit.get("used")).isEqualTo(10);
        });
    }

    @Test
    void ramLimitRefusalSaysWhichLimitAndWhatIsInUse() throws Exception {
        var client = platform.account("ramcap");
        platform.limit("ramcap", "ram", 1200);
        var first = client.post("/my/machines", create("a", platform.bigPackage));
        assertThat(first.status()).isEqualTo(201);
        var second = client.post("/my/machines", create("b", platform.smallPackage));
        assertThat(second.status()).isEqualTo(201);
        var third = client.post("/my/machines", create("c", platform.smallPackage));
        assertThat(third.status()).isEqualTo(403);
        assertThat(third.json().get("message").toString()).contains("1200 MiB of RAM").contains("1152");
    }

    @Test
    void fiftyConcurrentCreatesAndResizesNeverOvershootTheRamAndVcpuLimits() throws Exception {
        var client = platform.account("grower");
        platform.limit("grower", "ram", 2048);
        platform.limit("grower", "vcpus", 6);
        List<String> running = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            var made = client.post("/my/machines", create("r" + i, platform.smallPackage));
            assertThat(made.status()).as(made.body()).isEqualTo(201);
            running.add(made.json().get("id").toString());
        }
        platform.markStopped("grower"); // no provisioner here: as if they had run and been stopped (a disk grows only then)
        // 4 × small = 512 MiB and 4 vCPUs. Each create adds 128 MiB and 1 vCPU, each resize to big 896 MiB and 1 vCPU:
        // whatever the order, exactly two of the fifty fit (two resizes would need 2304 MiB)
        ExecutorService pool = Executors.newFixedThreadPool(50);
        List<SignedClient.Reply> replies = new ArrayList<>();
        try {
            List<Callable<SignedClient.Reply>> calls = new ArrayList<>();
            for (String id : running) {
                calls.add(() -> client.post("/my/machines/" + id + "?action=resize&package=big", null));
            }
            for (int i = 0; i < 46; i++) {
                int n = i;
                calls.add(() -> client.post("/my/machines", create("c" + n, platform.smallPackage)));
            }
            for (Future<SignedClient.Reply> f : pool.invokeAll(calls)) {
                replies.add(f.get());
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(replies.stream().filter(r -> r.status() == 201 || r.status() == 202)).hasSize(2);
        assertThat(replies.stream().filter(r -> r.status() != 201 && r.status() != 202)).hasSize(48).allSatisfy(r -> {
            assertThat(r.status()).as(r.body()).isEqualTo(403);
            assertThat(r.json().get("code")).isEqualTo("QuotaExceeded");
        });
        long ram = 0;
        List<?> machines = client.get("/my/machines").list();
        for (Object m : machines) {
            ram += ((Number) ((Map<?, ?>) m).get("memory")).longValue();
        }
        // small has 1 vCPU, big 2 (a resized machine still shows small until a node has applied big)
        long vcpus = machines.size() + replies.stream().filter(r -> r.status() == 202).count();
        assertThat(ram).isLessThanOrEqualTo(2048);
        assertThat(vcpus).isEqualTo(6);
        long ramUsed = ram;
        assertThat(client.get("/my/limits").list()).anySatisfy(l -> {
            Map<?, ?> limit = (Map<?, ?>) l;
            assertThat(limit.get("by")).isEqualTo("ram");
            assertThat(((Number) limit.get("used")).longValue()).isEqualTo(ramUsed);
        }).anySatisfy(l -> {
            Map<?, ?> limit = (Map<?, ?>) l;
            assertThat(limit.get("by")).isEqualTo("vcpus");
            assertThat(((Number) limit.get("used")).longValue()).isEqualTo(6);
            assertThat(((Number) limit.get("remaining")).longValue()).isZero();
        });
    }

    @Test
    void aResizedMachineShowsItsOldPackageUntilANodeHasAppliedTheNewOne() throws Exception {
        var client = platform.account("patient");
        platform.limit("patient", "ram", 4096);
        var made = client.post("/my/machines", create("p1", platform.smallPackage));
        assertThat(made.status()).as(made.body()).isEqualTo(201);
        String id = made.json().get("id").toString();
        platform.markStopped("patient");
        var resize = client.post("/my/machines/" + id + "?action=resize&package=big", null);
        assertThat(resize.status()).as(resize.body()).isEqualTo(202);
        // as Triton: `triton instance resize -w` waits for the package to change, so it must not change before the zone has
        assertThat(resize.json()).containsEntry("package", "small");
        assertThat(client.get("/my/machines/" + id).json()).containsEntry("package", "small");
        assertThat(client.get("/my/limits").list()).as("admission counts the new size at once").anySatisfy(l -> {
            Map<?, ?> limit = (Map<?, ?>) l;
            assertThat(limit.get("by")).isEqualTo("ram");
            assertThat(((Number) limit.get("used")).longValue()).isEqualTo(1024);
        });
    }

    @Test
    void createWithTheSameCallerUuidIsIdempotent() throws Exception {
        var client = platform.account("retrier");
        UUID id = UUID.randomUUID();
        Map<String, Object> body = new java.util.HashMap<>(create("once", platform.smallPackage));
        body.put("uuid", id.toString());
        var a = client.post("/my/machines", body);
        var b = client.post("/my/machines", body);
        assertThat(a.status()).isEqualTo(201);
        assertThat(b.status()).isEqualTo(201);
        assertThat(a.json().get("id")).isEqualTo(id.toString());
        assertThat(b.json().get("id")).isEqualTo(id.toString());
        assertThat(client.get("/my/machines").list()).hasSize(1);
        assertThat(platform.jobCount(id)).as("one provision job").isEqualTo(1);
    }

    @Test
    void badInputGetsCloudApiErrorsNotStackTraces() throws Exception {
        var client = platform.account("clumsy");
        var noImage = client.post("/my/machines", Map.of("package", platform.smallPackage.toString()));
        assertThat(noImage.status()).isEqualTo(409);
        assertThat(noImage.json().get("code")).isEqualTo("MissingParameter");
        var badPackage = client.post("/my/machines", Map.of("image", platform.image.toString(), "package", "nope"));
        assertThat(badPackage.status()).isEqualTo(409);
        assertThat(badPackage.json().get("message").toString()).contains("package nope does not exist");
        var badName = client.post("/my/machines", create("-bad name-", platform.smallPackage));
        assertThat(badName.json().get("code")).isEqualTo("InvalidArgument");
        var notJson = client.send("POST", "/my/machines", null);
        assertThat(notJson.status()).isIn(409, 400);
        assertThat(client.get("/my/machines/not-a-uuid").status()).isEqualTo(404);
        assertThat(client.get("/my/machines/not-a-uuid").json().get("code")).isEqualTo("ResourceNotFound");
        assertThat(client.get("/my/nothing-here").json().get("code")).isEqualTo("ResourceNotFound");
        assertThat(client.get("/my/packages/nope").status()).isEqualTo(404);
        assertThat(client.get("/my/images/" + UUID.randomUUID()).status()).isEqualTo(404);
        assertThat(client.get("/my/packages/small").json()).containsEntry("memory", 128);
        var badAction = client.post("/my/machines/" + UUID.randomUUID() + "?action=explode", null);
        assertThat(badAction.status()).isIn(404, 409);
        // affinity rules the provisioner could not read are refused before anything is booked
        for (String rule : List.of("instance== ~x", "role==/[/", "role==" + "x".repeat(1100), "no operator")) {
            var body = new java.util.HashMap<>(create("aff", platform.smallPackage));
            body.put("affinity", List.of(rule));
            var r = client.post("/my/machines", body);
            assertThat(r.status()).as(rule).isEqualTo(409);
            assertThat(r.json().get("code")).isEqualTo("InvalidArgument");
            assertThat(r.json().get("message").toString()).contains("affinity rule");
        }
        var tagWithColon = new java.util.HashMap<>(create("aff", platform.smallPackage));
        tagWithColon.put("affinity", List.of("com.acme:role!=~db"));
        assertThat(client.post("/my/machines", tagWithColon).status()).as("a tag name with ':' is a tag").isEqualTo(201);
    }

    @Test
    void tagsMetadataListingAndActionsFollowTheContract() throws Exception {
        var client = platform.account("tagger");
        var made = client.post("/my/machines", Map.of("name", "web", "image", platform.image.toString(),
                "package", "small", "tag.role", "web", "metadata.motd", "hi"));
        assertThat(made.status()).isEqualTo(201);
        assertThat(made.json()).containsEntry("state", "provisioning").containsEntry("package", "small").containsEntry("type", "smartmachine");
        String id = made.json().get("id").toString();
        assertThat(client.post("/my/machines/" + id + "/tags", Map.of("env", "prod")).json()).containsEntry("role", "web").containsEntry("env", "prod");
        assertThat(client.get("/my/machines/" + id + "/tags/env").body()).isEqualTo("\"prod\"");
        assertThat(client.delete("/my/machines/" + id + "/tags/env").status()).isEqualTo(204);
        assertThat(client.get("/my/machines/" + id + "/metadata").json()).containsEntry("motd", "hi");
        var listed = client.get("/my/machines?tag.role=web&limit=5");
        assertThat(listed.list()).hasSize(1);
        assertThat(listed.headers().firstValue("x-resource-count")).contains("1");
        assertThat(client.get("/my/machines?name=other").list()).isEmpty();
        var stopWhileProvisioning = client.post("/my/machines/" + id + "?action=stop", null);
        assertThat(stopWhileProvisioning.status()).isEqualTo(409);
        assertThat(stopWhileProvisioning.json().get("code")).isEqualTo("InvalidState");
        assertThat(client.post("/my/machines/" + id + "?action=rename&name=web2", null).status()).isEqualTo(202);
        assertThat(client.get("/my/machines/" + id).json()).containsEntry("name", "web2");
        assertThat(client.delete("/my/machines/" + id).status()).isEqualTo(204);
        var audit = client.get("/my/machines/" + id + "/audit").list();
        // job actions (provision, delete) are audited when their job ends; no provisioner runs here
        assertThat(audit.stream().map(a -> String.valueOf(((Map<?, ?>) a).get("action"))).toList())
                .contains("rename", "set_tags").doesNotContain("provision", "delete");
    }

    @Test
    void tagFiltersRunBeforePagingSoEveryPageButTheLastIsFull() throws Exception {
        var client = platform.account("tag-pager");
        var neighbour = platform.account("tag-neighbour");
        List<String> web = new ArrayList<>();
        List<String> tierThree = new ArrayList<>();
        for (int i = 0; i < 11; i++) {
            // web and db interleave, so a filter applied after paging would leave holes in every page
            String role = i % 3 == 0 ? "db" : "web";
            var body = new java.util.HashMap<String, Object>(create("m" + i, platform.smallPackage));
            body.put("tags", Map.of("role", role, "tier", i % 4, "public", i % 2 == 0));
            var made = client.post("/my/machines", body);
            assertThat(made.status()).isEqualTo(201);
            String id = made.json().get("id").toString();
            if (role.equals("web")) {
                web.add(id);
            }
            if (i % 4 == 3) {
                tierThree.add(id);
            }
        }
        var other = new java.util.HashMap<String, Object>(create("theirs", platform.smallPackage));
        other.put("tags", Map.of("role", "web"));
        assertThat(neighbour.post("/my/machines", other).status()).isEqualTo(201);

        List<String> paged = new ArrayList<>();
        for (int offset = 0; ; offset += 3) {
            var page = client.get("/my/machines?tag.role=web&limit=3&offset=" + offset);
            assertThat(page.status()).isEqualTo(200);
            List<String> ids = page.list().stream().map(m -> ((Map<?, ?>) m).get("id").toString()).toList();
            assertThat(page.headers().firstValue("x-resource-count")).contains(Integer.toString(ids.size()));
            paged.addAll(ids);
            if (ids.size() < 3) {
                break;
            }
        }
        assertThat(paged).as("web machines, oldest first, each once").containsExactlyElementsOf(web);
        assertThat(web).hasSize(7);

        assertThat(ids(client.get("/my/machines?tag.tier=3"))).as("a number tag matches its text").containsExactlyElementsOf(tierThree);
        assertThat(ids(client.get("/my/machines?tag.public=true&tag.role=db&limit=2"))).as("a boolean tag and a second tag")
                .hasSize(2).allSatisfy(id -> assertThat(web).doesNotContain(id));
        assertThat(ids(client.get("/my/machines?tag.role=web&name=m4"))).containsExactly(web.get(2));
        assertThat(client.get("/my/machines?tag.role=cache").list()).isEmpty();
        assertThat(client.get("/my/machines?tag.role=%00").list()).as("a NUL matches nothing").isEmpty();
        assertThat(ids(neighbour.get("/my/machines?tag.role=web"))).hasSize(1).doesNotContainAnyElementsOf(web);
    }

    private static List<String> ids(SignedClient.Reply reply) {
        assertThat(reply.status()).isEqualTo(200);
        return reply.list().stream().map(m -> ((Map<?, ?>) m).get("id").toString()).toList();
    }

    private static String fingerprintOf(SignedClient client) throws Exception {
        var key = client.get("/my/keys").list().get(0);
        return ((Map<?, ?>) key).get("fingerprint").toString();
    }

    @Test
    void packagesOutOfTheirSizesRangeAreRefusedWhenDefinedAndWhenUsed() throws Exception {
        try (Seed seed = new Seed(platform.db)) {
            org.assertj.core.api.Assertions.assertThatThrownBy(
                            () -> seed.pkg("overflowing", 9_999_999_999_999L, 1024, 1, 100, 256, "bad", false))
                    .isInstanceOfSatisfying(io.gantry.common.GantryException.class,
                            e -> assertThat(e.code()).isEqualTo(io.gantry.common.ErrorCode.InvalidArgument))
                    .hasMessage("memory must be at most 1099511627776 MiB, got 9999999999999 MiB");
        }
        UUID handmade = UUID.randomUUID();
        try (var c = java.sql.DriverManager.getConnection(platform.db.jdbcUrl(), platform.db.user(), platform.db.password())) {
            try (var count = c.prepareStatement("select count(*) from packages where name = 'overflowing'"); var rs = count.executeQuery()) {
                rs.next();
                assertThat(rs.getInt(1)).as("a refused package is not written").isZero();
            }
            try (var insert = c.prepareStatement("insert into packages (id, name, memory, swap, disk, vcpus, cpu_cap, lwps, version,"
                    + " pkg_group, description, is_default) values (?, ?, 64, 64, 1024, 0, 0, 99999999, '1.0.0', 'gantry', 'by hand', false)")) {
                insert.setObject(1, handmade);
                insert.setString(2, "handmade-" + handmade);
                insert.executeUpdate();
            }
            try {
                var client = platform.account("overreacher");
                var r = client.post("/my/machines", create("huge", handmade));
                assertThat(r.status()).isEqualTo(409);
                assertThat(r.json().get("code")).isEqualTo("InvalidArgument");
                assertThat(r.json().get("message")).isEqualTo("lwps must be at most 4194304, got 99999999");
                assertThat(client.get("/my/machines").list()).as("nothing booked").isEmpty();
            } finally {
                try (var delete = c.prepareStatement("delete from packages where id = ?")) {
                    delete.setObject(1, handmade);
                    delete.executeUpdate();
                }
            }
        }
    }

    /** The operator's global firewall rules, as a tenant sees them: listed and applied to its machines, not its to change. */
    @Test
    void aGlobalRuleIsListedToEveryAccountAndOnlyItsOwnerMayChangeIt() throws Exception {
        platform.operator("fwops");
        SignedClient tenant = platform.account("fwtenant" + UUID.randomUUID().toString().substring(0, 6));
        UUID rule = UUID.randomUUID();
        platform.execute("insert into fwrules (id, account_id, rule, enabled, global, description, created, updated)"
                + " select ?, id, 'FROM any TO all vms ALLOW icmp TYPE 8', true, true, 'ping everywhere', now(), now()"
                + " from accounts where login = 'fwops'", rule);
        tenant.post("/my/fwrules", Map.of("rule", "FROM any TO all vms ALLOW tcp PORT 22", "enabled", true));

        var listed = tenant.get("/my/fwrules");
        assertThat(listed.status()).isEqualTo(200);
        assertThat(listed.list()).hasSize(2).anySatisfy(r -> {
            assertThat(r).containsEntry("id", rule.toString()).containsEntry("global", true);
        });
        assertThat(tenant.get("/my/fwrules/" + rule).json()).containsEntry("rule", "FROM any TO all vms ALLOW icmp TYPE 8");

        var made = tenant.post("/my/machines", Map.of("image", platform.image.toString(), "package", platform.smallPackage.toString(),
                "name", "pingable"));
        assertThat(made.status()).as(made.body()).isEqualTo(201);
        assertThat(tenant.get("/my/machines/" + made.json().get("id") + "/fwrules").list())
                .as("the global rule names every machine").anySatisfy(r -> assertThat(r).containsEntry("id", rule.toString()));

        for (var refused : new SignedClient.Reply[] {
                tenant.post("/my/fwrules/" + rule, Map.of("rule", "FROM any TO all vms ALLOW tcp PORT all")),
                tenant.post("/my/fwrules/" + rule + "/disable", Map.of()),
                tenant.delete("/my/fwrules/" + rule)}) {
            assertThat(refused.status()).as(refused.body()).isEqualTo(403);
            assertThat(refused.json()).containsEntry("code", "NotAuthorized");
            assertThat(refused.json().get("message").toString()).contains("global rule");
        }
        assertThat(tenant.get("/my/fwrules/" + rule).json()).as("unchanged").containsEntry("enabled", true)
                .containsEntry("rule", "FROM any TO all vms ALLOW icmp TYPE 8");
    }

    /** An operator makes a global rule through /ops/fwrules; a tenant may not; every account then lists it. */
    @Test
    void anOperatorMakesAGlobalRuleThroughTheOpsRoute() throws Exception {
        SignedClient operator = platform.operator("fwops" + UUID.randomUUID().toString().substring(0, 6));
        SignedClient tenant = platform.account("fwt" + UUID.randomUUID().toString().substring(0, 6));

        var refused = tenant.post("/ops/fwrules", Map.of("rule", "FROM any TO all vms ALLOW tcp PORT 80", "enabled", true));
        assertThat(refused.status()).as(refused.body()).isEqualTo(403);
        assertThat(refused.json()).containsEntry("code", "NotAuthorized");
        var bad = operator.post("/ops/fwrules", Map.of("rule", "FROM any TO all vms ALLOW tcp PORT 70000"));
        assertThat(bad.status()).as(bad.body()).isEqualTo(409);
        assertThat(bad.json()).containsEntry("code", "InvalidArgument");

        var made = operator.post("/ops/fwrules", Map.of("rule", "FROM any TO all vms ALLOW tcp PORT 80", "enabled", true,
                "description", "web everywhere"));
        assertThat(made.status()).as(made.body()).isEqualTo(201);
        assertThat(made.json()).containsEntry("global", true).containsEntry("enabled", true);
        String id = made.json().get("id").toString();
        assertThat(tenant.get("/my/fwrules").list()).as("listed to a tenant").anySatisfy(r -> assertThat(r).containsEntry("id", id));
        assertThat(tenant.delete("/my/fwrules/" + id).status()).as("not the tenant's to delete").isEqualTo(403);
        assertThat(operator.post("/my/fwrules/" + id + "/disable", Map.of()).json()).as("its owner changes it").containsEntry("enabled", false);
        assertThat(operator.delete("/my/fwrules/" + id).status()).isEqualTo(204);
        assertThat(tenant.get("/my/fwrules/" + id).status()).isEqualTo(404);
    }
}
