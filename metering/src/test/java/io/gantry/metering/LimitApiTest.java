package io.gantry.metering;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.Vertx;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Operators' provisioning limits, written into the cloud API's provision_limits table as its admission reads them. */
class LimitApiTest {
    private static TestDatabase db;
    private static Vertx vertx;
    private static Instance metering;

    @BeforeAll
    static void start() throws Exception {
        db = TestDatabase.create(true);
        vertx = Vertx.vertx();
        metering = Instance.start(vertx, db.config(new TestClock(Instant.parse("2026-11-25T12:00:00Z"))));
    }

    @AfterAll
    static void stop() throws Exception {
        metering.close();
        vertx.close().toCompletionStage().toCompletableFuture().get();
    }

    private static String limits(String account) {
        return metering.url("/v1/accounts/" + account + "/limits");
    }

    private static JsonNode put(String account, String by, String body) {
        Http.Response r = Http.put(limits(account) + "/" + by, body);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    private static String list(String account) {
        Http.Response r = Http.get(limits(account));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.body();
    }

    /** The rows the cloud API's admission reads (its LimitRecord columns), in a fixed order. */
    private static List<List<Object>> rows(UUID account) {
        return db.query("select by_what, value, check_what, check_value from provision_limits where account_id = ?"
                + " order by by_what, check_what nulls first", account);
    }

    private static void assertError(Http.Response r, int status, String code, String messagePart) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.json().path("code").asText()).isEqualTo(code);
        assertThat(r.json().path("message").asText()).contains(messagePart);
    }

    @Test
    void limitsAreSetReplacedListedAndDeletedInTheCloudApisTable() {
        UUID fay = db.account("fay");
        db.account("gus");

        assertThat(put("fay", "count", "{\"value\":3}").toString()).isEqualTo("{\"by\":\"count\",\"value\":3}");
        put("fay", "ram", "{\"value\":2048}");
        assertThat(put("fay", "count", "{\"value\":1,\"check\":\"image\",\"check_value\":\"debian\"}").toString())
                .isEqualTo("{\"by\":\"count\",\"value\":1,\"check\":\"image\",\"check_value\":\"debian\"}");
        put(fay.toString(), "count", "{\"value\":5}"); // by uuid; replaces the unscoped count limit only

        assertThat(list("fay")).isEqualTo("[{\"by\":\"count\",\"value\":5},"
                + "{\"by\":\"count\",\"value\":1,\"check\":\"image\",\"check_value\":\"debian\"},"
                + "{\"by\":\"ram\",\"value\":2048}]");
        assertThat(rows(fay)).containsExactly(
                Arrays.asList("count", 5L, null, null),
                Arrays.asList("count", 1L, "image", "debian"),
                Arrays.asList("ram", 2048L, null, null));
        assertThat(list("gus")).isEqualTo("[]");

        Http.Response gone = Http.delete(limits("fay") + "/count?check=image&check_value=debian");
        assertThat(gone.status()).as(gone.body()).isEqualTo(204);
        assertError(Http.delete(limits("fay") + "/count?check=image&check_value=debian"), 404, "ResourceNotFound",
                "account fay has no count limit with image debian");
        assertThat(Http.delete(limits("fay") + "/ram").status()).isEqualTo(204);
        assertError(Http.delete(limits("fay") + "/vcpus"), 404, "ResourceNotFound", "account fay has no vcpus limit");
        assertThat(rows(fay)).containsExactly(Arrays.asList("count", 5L, null, null));
        assertThat(list("fay")).isEqualTo("[{\"by\":\"count\",\"value\":5}]");
    }

    @Test
    void badLimitsAreRefusedAndWriteNothing() {
        UUID hal = db.account("hal");
        put("hal", "quota", "{\"value\":-1}");

        assertError(Http.put(limits("hal") + "/cpu", "{\"value\":1}"), 400, "InvalidArgument", "count, ram, quota or vcpus");
        assertError(Http.put(limits("hal") + "/count", "{\"value\":-2}"), 400, "InvalidArgument", "-1 (forbidden), 0 (unlimited)");
        assertError(Http.put(limits("hal") + "/count", "{\"value\":1.5}"), 400, "InvalidArgument", "whole number");
        assertError(Http.put(limits("hal") + "/count", "{}"), 400, "InvalidArgument", "value is missing");
        assertError(Http.put(limits("hal") + "/count", "{\"value\":1,\"check\":\"image\"}"), 400, "InvalidArgument", "go together");
        assertError(Http.put(limits("hal") + "/count", "{\"value\":1,\"check_value\":\"debian\"}"), 400, "InvalidArgument", "go together");
        assertError(Http.put(limits("hal") + "/count", "{\"value\":1,\"check\":\"package\",\"check_value\":\"x\"}"), 400,
                "InvalidArgument", "image, brand or os");
        assertError(Http.put(limits("hal") + "/count", "{\"vale\":1}"), 400, "InvalidArgument", "unknown field 'vale'");
        assertError(Http.put(limits("hal") + "/count", "{\"value\":"), 400, "InvalidArgument", "malformed limit JSON");
        assertError(Http.delete(limits("hal") + "/quota?check=os"), 400, "InvalidArgument", "go together");
        assertError(Http.delete(limits("hal") + "/quota?color=red"), 400, "InvalidArgument", "unknown parameter 'color'");

        assertThat(rows(hal)).containsExactly(Arrays.asList("quota", -1L, null, null));
    }

    @Test
    void onlyAccountsOfTheCloudApiHaveLimits() {
        assertError(Http.put(limits("mallory") + "/count", "{\"value\":1}"), 404, "ResourceNotFound", "account mallory not found");
        assertError(Http.get(limits(UUID.randomUUID().toString())), 404, "ResourceNotFound", "not found");
        assertError(Http.delete(limits("mallory") + "/count"), 404, "ResourceNotFound", "mallory");
        // a tenant known only from usage records (a zone made by hand on a node)
        db.execute("insert into metering.usage_cursor (zone, account, seq, time, running_ms, cpu_ns, memory_byte_seconds, disk_byte_seconds,"
                + " net_rx, net_tx, oom_kills, forks_refused, updated) values (?, 'handmade', 1, now(), 0, 0, 0, 0, 0, 0, 0, 0, now())",
                UUID.randomUUID());
        assertError(Http.put(limits("handmade") + "/count", "{\"value\":1}"), 404, "ResourceNotFound",
                "not an account of the cloud API; limits need one");
        assertError(Http.get(limits("handmade")), 404, "ResourceNotFound", "limits need one");
    }

    @Test
    void aLimitChangeWaitsForTheAccountLockTheCloudApisAdmissionHolds() throws Exception {
        UUID ivy = db.account("ivy");
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            // what MachineService.create takes first (Hibernate's PESSIMISTIC_WRITE on PostgreSQL)
            try (PreparedStatement lock = c.prepareStatement("select id from accounts where id = ? for no key update")) {
                lock.setObject(1, ivy);
                lock.executeQuery().close();
            }
            CompletableFuture<Http.Response> put = CompletableFuture.supplyAsync(() -> Http.put(limits("ivy") + "/count", "{\"value\":2}"));
            assertThatThrownBy(() -> put.get(1, TimeUnit.SECONDS)).isInstanceOf(TimeoutException.class);
            assertThat(rows(ivy)).isEmpty();
            c.commit();
            Http.Response r = put.get(30, TimeUnit.SECONDS);
            assertThat(r.status()).as(r.body()).isEqualTo(200);
        }
        assertThat(rows(ivy)).containsExactly(Arrays.asList("count", 2L, null, null));
    }
}
