package io.gantry.cloudapi.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gantry.cloudapi.OidcSettings;
import io.gantry.common.ErrorCode;
import io.gantry.common.GantryException;
import io.gantry.testkit.LoopbackPort;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The verifier against a real JWKS endpoint on loopback (a Vert.x server of the test's own keys) and tokens the
 * test signs with the JDK; its clock is the test's, so that expiry and the reload interval are exact. The same
 * refusals against the real Keycloak: BearerTokenTest.
 */
class BearerTokenVerifierTest {
    private static final KeyPair RSA = TestJwt.rsa();
    private static final KeyPair RSA_2 = TestJwt.rsa();
    private static final KeyPair EC_256 = TestJwt.ec("secp256r1");
    private static final KeyPair EC_384 = TestJwt.ec("secp384r1");
    private static final Instant NOW = Instant.parse("2026-12-04T12:00:00Z");

    private final MutableClock clock = new MutableClock(NOW);
    private final AtomicReference<JsonObject> published = new AtomicReference<>();
    private final AtomicInteger fetches = new AtomicInteger();
    private Vertx vertx;
    private int port;
    private HttpServer jwks;
    private OidcSettings settings;
    private BearerTokenVerifier verifier;

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        port = LoopbackPort.free();
        settings = OidcSettings.of("http://127.0.0.1:" + port + "/realms/test");
        publish(TestJwt.jwk(RSA, "rsa-1", "RS256"), TestJwt.jwk(EC_256, "ec-256", "ES256"), TestJwt.jwk(EC_384, "ec-384", "ES384"),
                TestJwt.jwk(RSA, "rsa-ps", "PS256"),
                // as Keycloak publishes it: an encryption key, never used to verify
                TestJwt.jwk(RSA_2, "enc-1", "RSA-OAEP").put("use", "enc"));
        serveJwks();
        verifier = new BearerTokenVerifier(vertx, settings, clock);
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void aValidTokenOfEachAllowedAlgorithmIsAccepted() throws Exception {
        VerifiedToken t = verify(token("RS256", "rsa-1", RSA, claims()));
        assertThat(t.subject()).isEqualTo("subject-1");
        assertThat(t.issuer()).isEqualTo(settings.issuer());
        assertThat(t.stringClaim("preferred_username")).isEqualTo("alice");
        assertThat(verify(token("ES256", "ec-256", EC_256, claims())).subject()).isEqualTo("subject-1");
        assertThat(verify(token("ES384", "ec-384", EC_384, claims())).subject()).isEqualTo("subject-1");
        assertThat(verify(token("PS256", "rsa-ps", RSA, claims())).subject()).isEqualTo("subject-1");
        assertThat(fetches).hasValue(1); // fetched once, on the first token
    }

    @Test
    void audienceMayBeAListAndRolesAreRead() throws Exception {
        Map<String, Object> claims = claims();
        claims.put("aud", List.of("account", "gantry-api"));
        claims.put("realm_access", Map.of("roles", List.of("operator", "offline_access")));
        VerifiedToken t = verify(token("RS256", "rsa-1", RSA, claims));
        assertThat(t.hasRealmRole("operator")).isTrue();
        assertThat(t.hasRealmRole("admin")).isFalse();
    }

    @Test
    void timesAreCheckedWithTheStatedLeeway() throws Exception {
        assertRefused(token("RS256", "rsa-1", RSA, with(claims(), "exp", NOW.minusSeconds(6).getEpochSecond())), "expired at");
        assertThat(verify(token("RS256", "rsa-1", RSA, with(claims(), "exp", NOW.minusSeconds(4).getEpochSecond()))).subject())
                .isEqualTo("subject-1");
        assertRefused(token("RS256", "rsa-1", RSA, with(claims(), "nbf", NOW.plusSeconds(60).getEpochSecond())), "not valid yet");
        assertThat(verify(token("RS256", "rsa-1", RSA, with(claims(), "nbf", NOW.plusSeconds(4).getEpochSecond()))).subject())
                .isEqualTo("subject-1");
        assertRefused(token("RS256", "rsa-1", RSA, with(claims(), "iat", NOW.plusSeconds(600).getEpochSecond())), "issued in the future");
        Map<String, Object> noExp = claims();
        noExp.remove("exp");
        assertRefused(token("RS256", "rsa-1", RSA, noExp), "no expiry time");
        assertRefused(token("RS256", "rsa-1", RSA, with(claims(), "exp", "tomorrow")), "exp is not a number");
        assertRefused(token("RS256", "rsa-1", RSA, with(claims(), "exp", 1e300)), "exp is not a number of seconds since 1970");
        assertRefused(token("RS256", "rsa-1", RSA, with(claims(), "exp", Long.MAX_VALUE)), "exp is not a number");
        assertRefused(token("RS256", "rsa-1", RSA, with(claims(), "nbf", Long.MIN_VALUE)), "nbf is not a number");
        assertRefused(token("RS256", "rsa-1", RSA, with(claims(), "iat", new java.math.BigInteger("1" + "0".repeat(40)))), "iat is not a number");
        assertRefused(token("RS256", "rsa-1", RSA, with(claims(), "exp", Double.NaN)), "exp is not a number");
    }

    @Test
    void issuerAudienceSubjectAndTypeMustBeRight() throws Exception {
        assertRefused(token("RS256", "rsa-1", RSA, with(claims(), "iss", "http://127.0.0.1:" + port + "/realms/other")), "wrong issuer");
        assertRefused(token("RS256", "rsa-1", RSA, with(claims(), "aud", "gantry-other")), "wrong audience: it is for gantry-other");
        assertRefused(token("RS256", "rsa-1", RSA, with(claims(), "aud", List.of("account"))), "wrong audience");
        Map<String, Object> noAud = claims();
        noAud.remove("aud");
        assertRefused(token("RS256", "rsa-1", RSA, noAud), "wrong audience: it names none");
        assertRefused(token("RS256", "rsa-1", RSA, with(claims(), "typ", "ID")), "not an access token");
        assertRefused(token("RS256", "rsa-1", RSA, with(claims(), "typ", "Refresh")), "not an access token");
        assertRefused(token("RS256", "rsa-1", RSA, with(claims(), "sub", "")), "names no subject");
        assertThat(fetches).hasValue(0); // refused on their claims: no key was fetched for them
    }

    @Test
    void unsignedAndSymmetricTokensAreRefused() throws Exception {
        String claims = TestJwt.b64(new JsonObject(claims()).encode().getBytes(StandardCharsets.UTF_8));
        String none = TestJwt.b64("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        assertRefused(none + "." + claims + ".", "unsigned");
        assertRefused(none + "." + claims, "malformed: a JWT has three dot-separated parts, this has 2");
        assertRefused(none + "." + claims + ".c2lnbmF0dXJl", "algorithm none, which is not allowed");
        // the classic forgery: HMAC with the issuer's public key (which anyone can fetch) as the secret
        byte[] publicKey = RSA.getPublic().getEncoded();
        assertRefused(TestJwt.sign(Map.of("alg", "HS256", "kid", "rsa-1"), claims(), null, publicKey), "algorithm HS256");
        String pem = "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder().encodeToString(publicKey) + "\n-----END PUBLIC KEY-----\n";
        assertRefused(TestJwt.sign(Map.of("alg", "HS256"), claims(), null, pem.getBytes(StandardCharsets.US_ASCII)), "algorithm HS256");
        assertRefused(token("RS256", "rsa-1", RSA, claims(), Map.of("crit", List.of("exp"))), "critical header");
    }

    @Test
    void aTamperedOrMisattributedTokenIsRefused() throws Exception {
        String good = token("RS256", "rsa-1", RSA, claims());
        String[] parts = good.split("\\.");
        Map<String, Object> changed = with(claims(), "preferred_username", "olga");
        String tampered = parts[0] + "." + TestJwt.b64(new JsonObject(changed).encode().getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
        assertRefused(tampered, "bad signature");
        // a signature one byte too long (an edited token's tail) fails on its length: still a bad signature, said plainly
        String longer = parts[0] + "." + parts[1] + "." + TestJwt.b64(java.util.Arrays.copyOf(Base64.getUrlDecoder().decode(parts[2]), 257));
        assertThat(failure(longer).getMessage()).contains("bad signature").doesNotContain("java.");
        // signed by a key the issuer does not publish, under the kid of one it does
        assertRefused(token("RS256", "rsa-1", RSA_2, claims()), "bad signature");
        // the key's published alg is RS256: a token claiming RS512 with it has no key to verify with
        assertRefused(token("RS512", "rsa-1", RSA, claims()), "refused");
        // the encryption key's kid
        assertRefused(token("RS256", "enc-1", RSA_2, claims()), "which the issuer does not publish");
        assertRefused("not a token", "malformed");
        assertRefused("a.b.c", "malformed");
        assertRefused(TestJwt.b64("[1]".getBytes(StandardCharsets.UTF_8)) + ".e30.c2ln", "header is not a JSON object");
    }

    @Test
    void everyTokenWithOneCharacterChangedIsRefused() throws Exception {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        for (String alg : new String[] {"RS256", "ES256"}) {
            String good = alg.equals("RS256") ? token("RS256", "rsa-1", RSA, claims()) : token("ES256", "ec-256", EC_256, claims());
            verify(good);
            for (int i = 0; i < good.length(); i++) {
                char c = good.charAt(i);
                if (c == '.') {
                    continue;
                }
                // flip the 6-bit group's top bit: significant even in a segment's last character, whose low bits may be padding
                char changed = alphabet.charAt((alphabet.indexOf(c) + 32) % 64);
                String bad = good.substring(0, i) + changed + good.substring(i + 1);
                assertRefused(bad, "");
            }
        }
        assertThat(fetches).hasValue(1);
    }

    @Test
    void anUnknownKidReloadsTheKeysAtMostOnceEveryTenSeconds() throws Exception {
        verify(token("RS256", "rsa-1", RSA, claims()));
        assertThat(fetches).hasValue(1);
        // the issuer rotates to a new key
        publish(TestJwt.jwk(RSA_2, "rsa-2", "RS256"));
        clock.advance(Duration.ofSeconds(11));
        assertThat(verify(token("RS256", "rsa-2", RSA_2, claims())).subject()).isEqualTo("subject-1");
        assertThat(fetches).hasValue(2);
        // made-up kids right after: no new fetch, refused
        for (int i = 0; i < 5; i++) {
            assertRefused(token("RS256", "made-up-" + i, RSA_2, claims()), "key 'made-up-" + i + "', which the issuer does not publish");
        }
        assertThat(fetches).hasValue(2);
        // the old key is gone with the rotation
        assertRefused(token("RS256", "rsa-1", RSA, claims()), "does not publish");
        clock.advance(Duration.ofSeconds(11));
        assertRefused(token("RS256", "made-up-again", RSA_2, claims()), "does not publish");
        assertThat(fetches).hasValue(3);
    }

    @Test
    void keysOlderThanFiveMinutesAreFetchedAgainSoAWithdrawnKeyStopsVerifying() throws Exception {
        String oldKey = token("RS256", "rsa-1", RSA, claims());
        verify(oldKey);
        // the provider withdraws rsa-1 (compromised): tokens it signed go on working only until the keys are refreshed
        publish(TestJwt.jwk(RSA_2, "rsa-2", "RS256"));
        clock.advance(Duration.ofMinutes(4));
        verify(token("RS256", "rsa-1", RSA, claims()));
        assertThat(fetches).hasValue(1);
        clock.advance(Duration.ofMinutes(2));
        verify(token("RS256", "rsa-1", RSA, claims())); // still served by the old keys, while they are fetched again
        Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertRefused(token("RS256", "rsa-1", RSA, claims()),
                "key 'rsa-1', which the issuer does not publish"));
        assertThat(fetches).hasValue(2);
        assertThat(verify(token("RS256", "rsa-2", RSA_2, claims())).subject()).isEqualTo("subject-1");
        // the provider down: the keys fetched before go on serving
        jwks.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        clock.advance(Duration.ofMinutes(6));
        for (int i = 0; i < 3; i++) {
            assertThat(verify(token("RS256", "rsa-2", RSA_2, claims())).subject()).isEqualTo("subject-1");
            Thread.sleep(100);
        }
    }

    @Test
    void keysAreFetchedLazilyAndAnUnreachableIssuerAnswersServiceUnavailable() throws Exception {
        jwks.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        String token = token("RS256", "rsa-1", RSA, claims());
        GantryException e = failure(token);
        assertThat(e.code()).isEqualTo(ErrorCode.ServiceUnavailable);
        assertThat(e.getMessage()).contains(settings.jwksUrl()).contains("cannot be reached").contains("try again");
        // the issuer comes up: the very next token works, no restart of the API
        serveJwks();
        assertThat(verify(token).subject()).isEqualTo("subject-1");
    }

    @Test
    void anIssuerPublishingNoUsableKeyAnswersServiceUnavailableAndVerifiesNothing() throws Exception {
        publish(new JsonObject().put("kty", "oct").put("kid", "hmac").put("alg", "HS256").put("k", TestJwt.b64(new byte[32])),
                TestJwt.jwk(RSA_2, "enc-1", "RSA-OAEP").put("use", "enc"));
        GantryException e = failure(token("RS256", "rsa-1", RSA, claims()));
        assertThat(e.code()).isEqualTo(ErrorCode.ServiceUnavailable);
        assertThat(e.getMessage()).contains("no signing key of an allowed algorithm");
        published.set(new JsonObject().put("not", "keys"));
        assertThat(failure(token("RS256", "rsa-1", RSA, claims())).getMessage()).contains("not a JSON Web Key Set");
    }

    // ---------------------------------------------------------------------------------------------------------

    private void serveJwks() throws Exception {
        jwks = vertx.createHttpServer().requestHandler(req -> {
            if (!req.path().equals("/realms/test/protocol/openid-connect/certs")) {
                req.response().setStatusCode(404).end();
                return;
            }
            fetches.incrementAndGet();
            req.response().putHeader("Content-Type", "application/json").end(published.get().encode());
        }).listen(port, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private void publish(JsonObject... keys) {
        published.set(new JsonObject().put("keys", new JsonArray(List.of((Object[]) keys))));
    }

    private Map<String, Object> claims() {
        Map<String, Object> c = new HashMap<>();
        c.put("iss", settings.issuer());
        c.put("sub", "subject-1");
        c.put("aud", "gantry-api");
        c.put("typ", "Bearer");
        c.put("iat", clock.instant().minusSeconds(30).getEpochSecond());
        c.put("exp", clock.instant().plusSeconds(300).getEpochSecond());
        c.put("preferred_username", "alice");
        return c;
    }

    private static Map<String, Object> with(Map<String, Object> claims, String name, Object value) {
        claims.put(name, value);
        return claims;
    }

    private static String token(String alg, String kid, KeyPair key, Map<String, Object> claims) {
        return token(alg, kid, key, claims, Map.of());
    }

    private static String token(String alg, String kid, KeyPair key, Map<String, Object> claims, Map<String, Object> extraHeader) {
        Map<String, Object> header = new HashMap<>(extraHeader);
        header.put("alg", alg);
        header.put("typ", "JWT");
        header.put("kid", kid);
        return TestJwt.sign(header, claims, key, null);
    }

    private VerifiedToken verify(String token) throws Exception {
        return await(verifier.verify(token));
    }

    private void assertRefused(String token, String reason) {
        GantryException e = failure(token);
        assertThat(e.code()).as(e.getMessage()).isEqualTo(ErrorCode.InvalidCredentials);
        assertThat(e.getMessage()).startsWith("bearer token refused: ").contains(reason).doesNotContain("\n");
    }

    private GantryException failure(String token) {
        Future<VerifiedToken> f = verifier.verify(token);
        assertThatThrownBy(() -> await(f)).isInstanceOf(ExecutionException.class).hasCauseInstanceOf(GantryException.class);
        return (GantryException) f.cause();
    }

    private static <T> T await(Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** A clock the test moves. */
    private static final class MutableClock extends Clock {
        private volatile Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
