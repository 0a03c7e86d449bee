package io.gantry.cloudapi;

import static org.assertj.core.api.Assertions.assertThat;

import io.gantry.cloudapi.fuzz.RawHttp;
import io.gantry.cloudapi.fuzz.Wire;
import io.gantry.common.Json;
import io.gantry.testkit.SignedClient;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Requests the fuzzer ({@link CloudApiFuzzTest}) found answered with a 500, with Vert.x's plain-text
 * or empty errors, or without authentication: each now gets a CloudAPI error with its status.
 */
class BadRequestsTest extends WithTestPlatform {
    static SignedClient client;
    static RawHttp http;

    @BeforeAll
    static void start() throws Exception {
        client = platform.account("bad-requests");
        http = new RawHttp("127.0.0.1", platform.api.port(), 5_000);
    }

    /** Sends {@code method target} signed as the client (over the date only, as the triton CLI may), with extra headers and body. */
    private static RawHttp.Answer send(boolean signed, String method, String target, byte[] body, String... headerPairs) {
        List<String[]> headers = new ArrayList<>();
        headers.add(new String[] {"Host", "127.0.0.1"});
        headers.add(new String[] {"Connection", "close"});
        String date = Wire.now();
        headers.add(new String[] {"Date", date});
        if (signed) {
            headers.add(new String[] {"Authorization", client.authorization(date)});
        }
        for (int i = 0; i < headerPairs.length; i += 2) {
            headers.add(new String[] {headerPairs[i], headerPairs[i + 1]});
        }
        if (body != null && headers.stream().noneMatch(h -> h[0].equalsIgnoreCase("Transfer-Encoding"))) {
            headers.add(new String[] {"Content-Length", Integer.toString(body.length)});
        }
        var outcome = http.send(Wire.request(method, target, headers, body), false, false);
        assertThat(outcome).as("an answer to " + method + " " + target).isInstanceOf(RawHttp.Answer.class);
        return (RawHttp.Answer) outcome;
    }

    @SuppressWarnings("unchecked")
    private static void assertError(RawHttp.Answer a, int status, String code) {
        assertThat(a.status()).as(a.bodyText()).isEqualTo(status);
        assertThat(a.header("content-type")).startsWith("application/json");
        Map<String, Object> body = Json.read(a.bodyText(), Map.class);
        assertThat(body).containsEntry("code", code);
        assertThat(body.get("message")).isInstanceOf(String.class);
    }

    @Test
    void requestLineTooLongIsRequestUriTooLong() {
        assertError(send(true, "GET", "/my/machines?name=" + "a".repeat(5000), null), 414, "RequestUriTooLong");
    }

    @Test
    void headersTooLargeAreRequestHeaderFieldsTooLarge() {
        assertError(send(true, "GET", "/my/machines", null, "X-Big", "b".repeat(9000)), 431, "RequestHeaderFieldsTooLarge");
    }

    @Test
    void malformedHeaderIsBadRequest() {
        assertError(send(true, "GET", "/my/machines", null, "Bad Header Name", "x"), 400, "BadRequest");
    }

    @Test
    void brokenPercentEscapeInPathIsBadRequest() {
        assertError(send(true, "PUT", "/my/machines/%NaN/metadata", new byte[0]), 400, "BadRequest");
    }

    @Test
    void brokenPercentEscapeInQueryIsBadRequest() {
        assertError(send(true, "GET", "/my/fwrules?limit=%", null), 400, "BadRequest");
        assertError(send(true, "GET", "/my/packages?%zz=1", null), 400, "BadRequest");
    }

    @Test
    void signedPercentEscapeIsBadRequest() {
        // Integer.parseInt takes "-0" as hex, so Vert.x's path normalisation let %-0 through as a NUL
        assertError(send(true, "GET", "/my/machines/%-0", null), 400, "BadRequest");
        assertError(send(true, "GET", "/my/machines?name=%+1", null), 400, "BadRequest");
        var head = send(true, "HEAD", "/my/machines/%-0", null);
        assertThat(head.status()).isEqualTo(400);
    }

    @Test
    void formBodyOnGetIsIgnored() {
        var a = send(true, "GET", "/my/datacenters", "action=stop".getBytes(StandardCharsets.US_ASCII),
                "Content-Type", "application/x-www-form-urlencoded");
        assertThat(a.status()).as(a.bodyText()).isEqualTo(200);
    }

    @Test
    void undecodableFormBodyIsBadRequest() {
        assertError(send(true, "POST", "/my/keys", "a=%zz&b".getBytes(StandardCharsets.US_ASCII),
                "Content-Type", "application/x-www-form-urlencoded"), 400, "BadRequest");
    }

    @Test
    void badChunkSizeIsBadRequestOrClosesTheConnection() {
        List<String[]> headers = new ArrayList<>();
        headers.add(new String[] {"Host", "127.0.0.1"});
        String date = Wire.now();
        headers.add(new String[] {"Date", date});
        headers.add(new String[] {"Authorization", client.authorization(date)});
        headers.add(new String[] {"Transfer-Encoding", "chunked"});
        headers.add(new String[] {"Content-Type", "application/json"});
        var outcome = http.send(Wire.request("PUT", "/my/machines/" + java.util.UUID.randomUUID() + "/tags", headers,
                "zz\r\n{}\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII)), true, false);
        // the framing is broken, so Vert.x may close the connection before any handler runs; it must not answer 500
        if (outcome instanceof RawHttp.Answer a) {
            assertError(a, 400, "BadRequest");
        } else {
            assertThat(((RawHttp.NoAnswer) outcome).why()).isEqualTo(RawHttp.Why.CLOSED);
        }
    }

    @Test
    void nullUuidInCreateIsAsIfAbsent() {
        var r = client.post("/my/machines", java.util.Collections.singletonMap("uuid", null));
        assertThat(r.status()).as(r.body()).isEqualTo(409);
        assertThat(r.json()).containsEntry("code", "MissingParameter");
    }

    @Test
    void nulCharacterInPathIsInvalidArgumentNotInternalError() {
        assertError(send(true, "GET", "/my/packages/a%00b", null), 409, "InvalidArgument");
    }

    @Test
    void nulCharacterInFirewallRuleIsRefusedAndNothingIsStored() {
        var r = client.post("/my/fwrules", Map.of("rule", "FROM any TO all vms ALLOW tcp PORT 22", "description", "a\u0000b"));
        assertThat(r.status()).as(r.body()).isEqualTo(409);
        assertThat(r.json()).containsEntry("code", "InvalidArgument");
        assertThat(client.get("/my/fwrules").list()).isEmpty();
    }

    /**
     * A create's statements are sent together on one connection: a value PostgreSQL refuses in any of them (a NUL) must
     * still be answered as that refusal, not as the "transaction aborted" of the statements sent after it.
     */
    @Test
    void nulCharacterInAnyPartOfACreateIsRefusedAndNothingIsStored() {
        String image = platform.image.toString();
        String pkg = platform.smallPackage.toString();
        List<Map<String, Object>> bodies = List.of(
                Map.of("image", "a\u0000b", "package", pkg),
                Map.of("image", image, "package", "a\u0000b"),
                Map.of("image", image, "package", pkg, "networks", List.of("a\u0000b")),
                Map.of("image", image, "package", pkg, "tags", Map.of("role", "a\u0000b")));
        for (Map<String, Object> body : bodies) {
            var r = client.post("/my/machines", body);
            assertThat(r.status()).as(body + ": " + r.body()).isEqualTo(409);
            assertThat(r.json()).as(body.toString()).containsEntry("code", "InvalidArgument");
        }
        assertThat(client.get("/my/machines").list()).isEmpty();
    }

    @Test
    void lineTerminatorInPathDoesNotSkipAuthentication() {
        // a raw 0x85 byte is U+0085 (NEL) to the router, which a /:login/* pattern did not match
        String target = "/my/machines/" + java.util.UUID.randomUUID() + "/tags/\u0085";
        assertError(send(false, "GET", target, null), 401, "InvalidCredentials");
        assertError(send(false, "GET", "/my/networks/\u0085", null), 401, "InvalidCredentials");
    }

    @Test
    void unknownPathNeedsAuthenticationToo() {
        assertError(send(false, "GET", "/", null), 401, "InvalidCredentials");
        assertError(send(true, "GET", "/", null), 404, "ResourceNotFound");
    }
}
