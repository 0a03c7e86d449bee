package io.gantry.cloudapi.auth;

import io.gantry.cloudapi.OidcSettings;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.security.KeyPair;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A stand-in OpenID Connect issuer on loopback for tests about the cloud API's account rules rather than about
 * Keycloak: it publishes one RSA key at Keycloak's JWKS path and signs access tokens shaped as Keycloak's. Tests
 * of the token checks against the real Keycloak are in BearerTokenTest.
 */
public final class LocalIssuer implements AutoCloseable {
    private static final String KID = "local-rsa";
    private final KeyPair key = TestJwt.rsa();
    private final Vertx vertx = Vertx.vertx();
    private final HttpServer server;
    private final String issuer;

    public LocalIssuer() throws Exception {
        JsonObject jwks = new JsonObject().put("keys", new JsonArray().add(TestJwt.jwk(key, KID, "RS256")));
        server = vertx.createHttpServer()
                .requestHandler(req -> req.response().putHeader("Content-Type", "application/json").end(jwks.encode()))
                .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        issuer = "http://127.0.0.1:" + server.actualPort() + "/realms/local";
    }

    public String issuer() {
        return issuer;
    }

    public OidcSettings settings() {
        return OidcSettings.of(issuer);
    }

    /** A valid access token for the API of {@code subject}, whose preferred_username is {@code login}, with these realm roles. */
    public String token(String subject, String login, String... roles) {
        Map<String, Object> claims = claims(subject, roles);
        if (login != null) {
            claims.put("preferred_username", login);
            claims.put("email", login + "@example.test");
        }
        return sign(claims);
    }

    /** The claims of a valid access token of {@code subject} (no login), for a test to change. */
    public Map<String, Object> claims(String subject, String... roles) {
        Map<String, Object> claims = new HashMap<>();
        long now = Instant.now().getEpochSecond();
        claims.put("iss", issuer);
        claims.put("sub", subject);
        claims.put("aud", List.of("gantry-api", "account"));
        claims.put("typ", "Bearer");
        claims.put("azp", "gantry-cli");
        claims.put("iat", now);
        claims.put("exp", now + 300);
        claims.put("realm_access", Map.of("roles", List.of(roles)));
        return claims;
    }

    public String sign(Map<String, Object> claims) {
        return TestJwt.sign(Map.of("alg", "RS256", "typ", "JWT", "kid", KID), claims, key, null);
    }

    @Override
    public void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
