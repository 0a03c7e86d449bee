package io.gantry.cloudapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gantry.testkit.SignedClient;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.Arrays;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The operator routes' provisioning limits (/ops/accounts/:login/limits): an operator signs as a
 * tenant does, sets, lists and removes another account's limits, and admission applies them at once;
 * anyone else is refused.
 */
class OperatorLimitsTest extends WithTestPlatform {
    private static SignedClient admin;

    @BeforeAll
    static void start() throws Exception {
        admin = platform.operator("admin");
    }

    private static String limits(String login) {
        return "/ops/accounts/" + login + "/limits";
    }

    private static String put(String login, String by, String body) {
        var r = admin.put(limits(login) + "/" + by, body);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.body();
    }

    private static String list(String login) {
        var r = admin.get(limits(login));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.body();
    }

    private static void assertError(SignedClient.Reply r, int status, String code, String messagePart) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.json().get("code")).as(r.body()).isEqualTo(code);
        assertThat(r.json().get("message").toString()).contains(messagePart);
    }

    @Test
    void anOperatorSetsReplacesListsAndDeletesAnAccountsLimits() throws Exception {
        platform.account("fay");
        platform.account("gus");

        assertThat(put("fay", "count", "{\"value\":3}")).isEqualTo("{\"by\":\"count\",\"value\":3}");
        put("fay", "ram", "{\"value\":2048}");
        assertThat(put("fay", "count", "{\"value\":1,\"check\":\"image\",\"check_value\":\"debian\"}"))
                .isEqualTo("{\"by\":\"count\",\"value\":1,\"check\":\"image\",\"check_value\":\"debian\"}");
        put("fay", "count", "{\"value\":5}"); // replaces the unscoped count limit only

        assertThat(list("fay")).isEqualTo("[{\"by\":\"count\",\"value\":5},"
                + "{\"by\":\"count\",\"value\":1,\"check\":\"image\",\"check_value\":\"debian\"},"
                + "{\"by\":\"ram\",\"value\":2048}]");
        assertThat(platform.limitRows("fay")).containsExactly(
                Arrays.asList("count", 5L, null, null),
                Arrays.asList("count", 1L, "image", "debian"),
                Arrays.asList("ram", 2048L, null, null));
        assertThat(list("gus")).isEqualTo("[]");

        assertThat(admin.delete(limits("fay") + "/count?check=image&check_value=debian").status()).isEqualTo(204);
        assertError(admin.delete(limits("fay") + "/count?check=image&check_value=debian"), 404, "ResourceNotFound",
                "account fay has no count limit with image debian");
        assertThat(admin.delete(limits("fay") + "/ram").status()).isEqualTo(204);
        assertError(admin.delete(limits("fay") + "/vcpus"), 404, "ResourceNotFound", "account fay has no vcpus limit");
        assertThat(platform.limitRows("fay")).containsExactly(Arrays.asList("count", 5L, null, null));
        assertThat(list("fay")).isEqualTo("[{\"by\":\"count\",\"value\":5}]");
    }

    @Test
    void anAccountIsNamedByItsLoginOrItsId() throws Exception {
        var hana = platform.account("hana");
        String id = hana.get("/my").json().get("id").toString();
        put(id, "vcpus", "{\"value\":4}");
        assertThat(list("hana")).isEqualTo("[{\"by\":\"vcpus\",\"value\":4}]");
    }

    @Test
    void badLimitsGetCloudApiErrorsAndWriteNothing() throws Exception {
        platform.account("hal");
        put("hal", "quota", "{\"value\":-1}");

        assertError(admin.put(limits("hal") + "/cpu", "{\"value\":1}"), 409, "InvalidArgument", "count, ram, quota or vcpus");
        assertError(admin.put(limits("hal") + "/count", "{\"value\":-2}"), 409, "InvalidArgument", "-1 (forbidden), 0 (unlimited)");
        assertError(admin.put(limits("hal") + "/count", "{\"value\":1.5}"), 409, "InvalidArgument", "whole number");
        assertError(admin.put(limits("hal") + "/count", "{}"), 409, "InvalidArgument", "value is missing");
        assertError(admin.put(limits("hal") + "/count", "{\"value\":1,\"check\":\"image\"}"), 409, "InvalidArgument", "go together");
        assertError(admin.put(limits("hal") + "/count", "{\"value\":1,\"check_value\":\"debian\"}"), 409, "InvalidArgument", "go together");
        assertError(admin.put(limits("hal") + "/count", "{\"value\":1,\"check\":\"package\",\"check_value\":\"x\"}"), 409,
                "InvalidArgument", "image, brand or os");
        assertError(admin.put(limits("hal") + "/count", "{\"vale\":1}"), 409, "InvalidArgument", "unknown field 'vale'");
        assertError(admin.put(limits("hal") + "/count", "{\"value\":"), 409, "InvalidArgument", "malformed limit JSON");
        assertError(admin.sendRaw("PUT", limits("hal") + "/count", null), 409, "InvalidArgument", "must be a JSON object");
        assertError(admin.delete(limits("hal") + "/quota?check=os"), 409, "InvalidArgument", "go together");
        assertError(admin.delete(limits("hal") + "/quota?color=red"), 409, "InvalidArgument", "unknown parameter 'color'");

        assertThat(platform.limitRows("hal")).containsExactly(Arrays.asList("quota", -1L, null, null));
    }

    @Test
    void unknownAccountsAndRoutesAreNotFound() {
        assertError(admin.put(limits("mallory") + "/count", "{\"value\":1}"), 404, "ResourceNotFound", "account mallory not found");
        assertError(admin.get(limits(UUID.randomUUID().toString())), 404, "ResourceNotFound", "not found");
        assertError(admin.delete(limits("mallory") + "/count"), 404, "ResourceNotFound", "account mallory not found");
        assertError(admin.get("/ops/widgets"), 404, "ResourceNotFound", "GET /ops/widgets is not a resource of this API");
        assertError(admin.get("/ops"), 404, "ResourceNotFound", "is not a resource of this API");
    }

    @Test
    void aTenantIsRefusedTheOperatorRoutes() throws Exception {
        var ivan = platform.account("ivan");
        put("ivan", "count", "{\"value\":2}");

        assertError(ivan.get(limits("ivan")), 403, "NotAuthorized", "ivan is not an operator");
        assertError(ivan.put(limits("ivan") + "/count", "{\"value\":100}"), 403, "NotAuthorized", "ivan is not an operator");
        assertError(ivan.delete(limits("ivan") + "/count"), 403, "NotAuthorized", "ivan is not an operator");
        assertError(ivan.get("/ops/machines"), 403, "NotAuthorized", "operator accounts only");
        assertThat(platform.limitRows("ivan")).containsExactly(Arrays.asList("count", 2L, null, null));
    }

    @Test
    void anOperatorIsOtherwiseATenantOfItsOwn() throws Exception {
        platform.account("jo");
        assertThat(admin.get("/my/machines").status()).isEqualTo(200);
        assertError(admin.get("/jo/machines"), 403, "NotAuthorized", "admin is not allowed to act as jo");
    }

    @Test
    void aLimitTheOperatorSetsIsEnforcedByTheNextCreate() throws Exception {
        var kim = platform.account("kim");
        var first = kim.post("/my/machines", create("a"));
        assertThat(first.status()).as(first.body()).isEqualTo(201);

        put("kim", "count", "{\"value\":1}");
        var second = kim.post("/my/machines", create("b"));
        assertError(second, 403, "QuotaExceeded", "at most 1 machines");

        assertThat(admin.delete(limits("kim") + "/count").status()).isEqualTo(204);
        var third = kim.post("/my/machines", create("c"));
        assertThat(third.status()).as(third.body()).isEqualTo(201);
    }

    @Test
    void aLimitChangeWaitsForTheAccountLockAdmissionHolds() throws Exception {
        platform.account("liv");
        try (Connection c = DriverManager.getConnection(platform.db.jdbcUrl(), platform.db.user(), platform.db.password())) {
            c.setAutoCommit(false);
            // what MachineService.create takes first (Hibernate's PESSIMISTIC_WRITE on PostgreSQL)
            try (PreparedStatement lock = c.prepareStatement("select id from accounts where login = ? for no key update")) {
                lock.setString(1, "liv");
                lock.executeQuery().close();
            }
            CompletableFuture<SignedClient.Reply> put = CompletableFuture.supplyAsync(() -> admin.put(limits("liv") + "/count", "{\"value\":2}"));
            assertThatThrownBy(() -> put.get(1, TimeUnit.SECONDS)).isInstanceOf(TimeoutException.class);
            assertThat(platform.limitRows("liv")).isEmpty();
            c.commit();
            var r = put.get(30, TimeUnit.SECONDS);
            assertThat(r.status()).as(r.body()).isEqualTo(200);
        }
        assertThat(platform.limitRows("liv")).containsExactly(Arrays.asList("count", 2L, null, null));
    }

    private static Map<String, Object> create(String name) {
        return Map.of("name", name, "image", platform.image.toString(), "package", platform.smallPackage.toString());
    }
}
