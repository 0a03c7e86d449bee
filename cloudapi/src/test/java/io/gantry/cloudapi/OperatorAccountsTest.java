package io.gantry.cloudapi;

import static org.assertj.core.api.Assertions.assertThat;

import io.gantry.testkit.SignedClient;
import io.gantry.testkit.TestKeys;
import java.security.KeyPair;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Operators' accounts (/ops/accounts): create one with its first key and default limits, list, get, disable (its calls
 * refused, its running machines stopped), enable, delete (refused while it has machines); each change in the audit log.
 */
class OperatorAccountsTest extends WithTestPlatform {
    private static SignedClient admin;

    @BeforeAll
    static void start() throws Exception {
        admin = platform.operator("root" + suffix());
    }

    private static String suffix() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    private record Tenant(String login, SignedClient client) {
    }

    private static Tenant create(String login) throws Exception {
        KeyPair pair = TestKeys.rsa();
        String key = TestKeys.openSsh(pair, login);
        var r = admin.post("/ops/accounts", Map.of("login", login, "email", login.replace('@', '_') + "@example.test", "key", key));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        assertThat(r.json()).containsEntry("login", login).containsEntry("disabled", false);
        String fingerprint = io.gantry.cloudapi.auth.SshPublicKey.parse(key).md5Fingerprint();
        return new Tenant(login, new SignedClient(platform.url(), login, fingerprint, pair));
    }

    private static void assertError(SignedClient.Reply r, int status, String code, String messagePart) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.json().get("code")).as(r.body()).isEqualTo(code);
        assertThat(r.json().get("message").toString()).contains(messagePart);
    }

    private static long accounts() {
        return platform.scalar("select count(*) from accounts");
    }

    private static Map<String, Object> lastAudit() {
        var r = admin.get("/ops/audit?limit=1");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.list()).hasSize(1);
        return r.list().get(0);
    }

    @Test
    void aCreatedAccountSignsWithItsKeyAndHasTheDefaultLimits() throws Exception {
        Tenant t = create("new." + suffix());
        var me = t.client().get("/my");
        assertThat(me.status()).as(me.body()).isEqualTo(200);
        assertThat(me.json()).containsEntry("login", t.login());
        assertThat(platform.limitRows(t.login())).containsExactly(
                java.util.Arrays.asList("count", 20L, null, null), java.util.Arrays.asList("ram", 8192L, null, null));

        assertThat(admin.get("/ops/accounts/" + t.login()).json()).containsEntry("email", t.login() + "@example.test");
        assertThat(admin.get("/ops/accounts").list()).extracting(a -> a.get("login")).contains(t.login(), admin.account());
        assertError(admin.get("/ops/accounts/nobody" + suffix()), 404, "ResourceNotFound", "not found");

        var entry = lastAudit();
        assertThat(entry).containsEntry("operator", admin.account()).containsEntry("action", "account-create")
                .containsEntry("target", t.login()).containsEntry("success", true).containsEntry("outcome", "succeeded");

        Tenant at = create("n_" + suffix() + "@x"); // Triton's login characters: '_', '.' and '@' after the first letter
        assertThat(at.client().get("/my").status()).isEqualTo(200);
    }

    @Test
    void badInputIsRefusedAndCreatesNothing() throws Exception {
        String key = TestKeys.openSsh(TestKeys.rsa(), "k");
        String taken = create("dup" + suffix()).login();
        long before = accounts();
        for (String login : List.of("ab", "1abc", "_abc", "a".repeat(33), "ab c", "ab-c", "ops", "my")) {
            assertError(admin.post("/ops/accounts", Map.of("login", login, "email", "x@example.test", "key", key)), 409, "InvalidArgument",
                    "login");
        }
        assertError(admin.post("/ops/accounts", Map.of("login", taken, "email", "x@example.test", "key", key)), 409, "InvalidArgument",
                "login " + taken + " is taken");
        assertError(admin.post("/ops/accounts", Map.of("login", "ok" + suffix(), "email", "x@example.test", "key", "ssh-rsa AAAAnotakey")),
                409, "InvalidArgument", "");
        assertError(admin.post("/ops/accounts", Map.of("login", "ok" + suffix(), "email", "not-an-email", "key", key)),
                409, "InvalidArgument", "not an email address");
        assertError(admin.post("/ops/accounts", Map.of("login", "ok" + suffix(), "email", "x@example.test")), 409, "MissingParameter", "key");
        assertThat(accounts()).isEqualTo(before);
        assertThat(lastAudit()).containsEntry("action", "account-create").containsEntry("success", false);
        assertThat(lastAudit().get("error").toString()).contains("MissingParameter");
    }

    @Test
    void createsOfOneLoginAtOnceMakeOneAccountAndRefuseTheRestWith409() throws Exception {
        String login = "race" + suffix();
        long before = accounts();
        var pool = java.util.concurrent.Executors.newFixedThreadPool(6);
        try {
            List<java.util.concurrent.Future<SignedClient.Reply>> replies = new java.util.ArrayList<>();
            for (int i = 0; i < 6; i++) {
                String casing = i % 2 == 0 ? login : login.toUpperCase(java.util.Locale.ROOT);
                String key = TestKeys.openSsh(TestKeys.rsa(), "k" + i);
                replies.add(pool.submit(() -> admin.post("/ops/accounts", Map.of("login", casing, "email", "r@example.test", "key", key))));
            }
            List<Integer> statuses = new java.util.ArrayList<>();
            for (var reply : replies) {
                statuses.add(reply.get().status());
            }
            assertThat(statuses).containsOnly(201, 409).filteredOn(status -> status == 201).hasSize(1);
        } finally {
            pool.shutdownNow();
        }
        assertThat(accounts()).isEqualTo(before + 1);
    }

    @Test
    void disablingWritesBackNoMetadataAZoneChangedMeanwhile() throws Exception {
        Tenant t = create("put" + suffix());
        var m = t.client().post("/my/machines", Map.of("name", "web", "image", platform.image.toString(), "package",
                platform.smallPackage.toString(), "metadata", Map.of("from", "api")));
        assertThat(m.status()).as(m.body()).isEqualTo(201);
        UUID machine = UUID.fromString(m.json().get("id").toString());
        platform.markRunning(t.login());
        try (var put = java.sql.DriverManager.getConnection(platform.db.jdbcUrl(), platform.db.user(), platform.db.password());
             var watch = java.sql.DriverManager.getConnection(platform.db.jdbcUrl(), platform.db.user(), platform.db.password())) {
            // the provisioner applying a zone's mdata-put: the machine's row locked and changed, not yet committed
            put.setAutoCommit(false);
            try (var st = put.prepareStatement("update machines set metadata = '{\"from\":\"zone\"}' where id = ?")) {
                st.setObject(1, machine);
                st.executeUpdate();
            }
            var disable = java.util.concurrent.CompletableFuture.supplyAsync(
                    () -> admin.post("/ops/accounts/" + t.login() + "?action=disable", Map.of()));
            // the disable has read the machine (without the change) and waits for the row to write its state
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> {
                try (var st = watch.prepareStatement("select count(*) from pg_stat_activity where wait_event_type = 'Lock'"
                        + " and datname = current_database()"); var rs = st.executeQuery()) {
                    return rs.next() && rs.getLong(1) > 0;
                }
            });
            put.commit();
            var d = disable.get(10, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(d.status()).as(d.body()).isEqualTo(200);
        }
        assertThat(platform.query("select metadata, state from machines where id = ?", machine))
                .as("the zone's put survives; the disable set the state").containsExactly(List.of("{\"from\":\"zone\"}", "stopping"));
    }

    @Test
    void disablingRefusesTheAccountsCallsAndStopsItsMachinesEnablingLiftsTheRefusal() throws Exception {
        Tenant t = create("dis" + suffix());
        var m = t.client().post("/my/machines", Map.of("name", "web", "image", platform.image.toString(), "package",
                platform.smallPackage.toString()));
        assertThat(m.status()).as(m.body()).isEqualTo(201);
        UUID machine = UUID.fromString(m.json().get("id").toString());
        platform.markRunning(t.login());

        var d = admin.post("/ops/accounts/" + t.login() + "?action=disable", Map.of());
        assertThat(d.status()).as(d.body()).isEqualTo(200);
        assertThat(d.json()).containsEntry("disabled", true);
        assertError(t.client().get("/my"), 403, "NotAuthorized", "account " + t.login() + " is disabled");
        assertError(t.client().get("/my/machines"), 403, "NotAuthorized", "is disabled");
        assertThat(platform.scalar("select count(*) from jobs where machine_id = ? and action = 'stop' and state = 'queued'"
                + " and caller = ?", machine, "operator " + admin.account())).isEqualTo(1);
        assertThat(lastAudit()).containsEntry("action", "account-disable").containsEntry("success", true).containsEntry("outcome", "succeeded");

        var e = admin.post("/ops/accounts/" + t.login() + "?action=enable", Map.of());
        assertThat(e.status()).as(e.body()).isEqualTo(200);
        assertThat(e.json()).containsEntry("disabled", false);
        assertThat(t.client().get("/my").status()).isEqualTo(200);
        assertThat(lastAudit()).containsEntry("action", "account-enable").containsEntry("success", true).containsEntry("outcome", "succeeded");
        assertError(admin.post("/ops/accounts/" + t.login() + "?action=explode", Map.of()), 409, "InvalidArgument", "disable or enable");
    }

    @Test
    void anAccountIsDeletedOnlyWithoutMachines() throws Exception {
        Tenant t = create("del" + suffix());
        var m = t.client().post("/my/machines", Map.of("name", "db", "image", platform.image.toString(), "package",
                platform.smallPackage.toString()));
        assertThat(m.status()).as(m.body()).isEqualTo(201);
        platform.markRunning(t.login());

        assertError(admin.delete("/ops/accounts/" + t.login()), 409, "InvalidState", "has 1 machine");
        assertThat(lastAudit()).containsEntry("action", "account-delete").containsEntry("success", false);
        assertThat(t.client().get("/my").status()).isEqualTo(200);

        platform.scalar("with d as (update machines set state = 'deleted' where account_id = (select id from accounts where login = ?)"
                + " returning 1) select count(*) from d", t.login());
        assertThat(admin.delete("/ops/accounts/" + t.login()).status()).isEqualTo(204);
        assertThat(lastAudit()).containsEntry("action", "account-delete").containsEntry("success", true).containsEntry("outcome", "succeeded");
        assertError(admin.get("/ops/accounts/" + t.login()), 404, "ResourceNotFound", "not found");
        assertError(t.client().get("/my"), 401, "InvalidCredentials", "no key");
        assertThat(platform.limitRows(t.login())).isEmpty();
        assertError(admin.put("/ops/accounts/" + t.login() + "/limits/count", "{\"value\":3}"), 404, "ResourceNotFound", "not found");
        assertThat(platform.limitRows(t.login())).isEmpty();
        assertError(admin.delete("/ops/accounts/" + t.login()), 404, "ResourceNotFound", "not found");
    }

    @Test
    void tenantsCannotCallTheAccountRoutes() throws Exception {
        Tenant t = create("ten" + suffix());
        long before = accounts();
        long audited = platform.scalar("select count(*) from ops_audit");
        assertError(t.client().post("/ops/accounts", Map.of("login", "sneaky", "email", "x@example.test", "key", "x")), 403, "NotAuthorized",
                "operator accounts only");
        assertError(t.client().get("/ops/accounts"), 403, "NotAuthorized", "operator accounts only");
        assertError(t.client().post("/ops/accounts/" + t.login() + "?action=enable", Map.of()), 403, "NotAuthorized", "operator accounts only");
        assertError(t.client().delete("/ops/accounts/" + t.login()), 403, "NotAuthorized", "operator accounts only");
        assertError(t.client().get("/ops/audit"), 403, "NotAuthorized", "operator accounts only");
        assertThat(accounts()).isEqualTo(before);
        assertThat(platform.scalar("select count(*) from ops_audit")).isEqualTo(audited);
    }

    @Test
    void limitChangesAreAudited() throws Exception {
        Tenant t = create("lim" + suffix());
        assertThat(admin.put("/ops/accounts/" + t.login() + "/limits/count", "{\"value\":3}").status()).isEqualTo(200);
        assertThat(lastAudit()).containsEntry("action", "limit-set").containsEntry("target", t.login()).containsEntry("success", true).containsEntry("outcome", "succeeded");
        assertThat(admin.delete("/ops/accounts/" + t.login() + "/limits/vcpus").status()).isEqualTo(404);
        var entry = lastAudit();
        assertThat(entry).containsEntry("action", "limit-delete").containsEntry("success", false);
        assertThat(entry.get("error").toString()).contains("ResourceNotFound");
    }
}
