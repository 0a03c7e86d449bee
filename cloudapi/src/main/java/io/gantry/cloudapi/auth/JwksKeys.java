package io.gantry.cloudapi.auth;

import io.gantry.common.ErrorCode;
import io.gantry.common.GantryException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The identity provider's signing keys (its JWKS), fetched on first use rather than at start (the API may start
 * before Keycloak does), and fetched again when a token names a key id not among them (Keycloak rotated its keys),
 * at most once every {@link #MIN_RELOAD_INTERVAL} so that tokens with made-up key ids cannot make the API hammer the
 * provider. Keys older than {@link #MAX_AGE} are fetched again in the background while they go on serving, so a key
 * the provider withdrew (compromised, rotated out) stops verifying within minutes, and a provider that is down for a
 * while does not stop tokens it signed before. Only signing keys of an allowed algorithm are kept: an HMAC ("oct")
 * key, an encryption key or a key of another algorithm never verifies anything.
 */
public final class JwksKeys {
    private static final Logger LOG = LoggerFactory.getLogger(JwksKeys.class);
    static final Duration MIN_RELOAD_INTERVAL = Duration.ofSeconds(10);
    static final Duration MAX_AGE = Duration.ofMinutes(5);
    private static final long FETCH_TIMEOUT_MS = 5_000;

    private final Vertx vertx;
    private final WebClient client;
    private final String url;
    private final JWTOptions checks;
    private final Clock clock;
    private Keys keys; // guarded by this
    private Future<Keys> fetching; // guarded by this
    private Instant lastFetch = Instant.MIN; // guarded by this

    /** The keys of one fetch: a verifier holding exactly them, and their key ids. */
    public record Keys(JWTAuth verifier, Set<String> kids) {
        public boolean has(String kid) {
            return kids.contains(kid);
        }
    }

    /**
     * Keys published at {@code url}; {@code checks} are the issuer, audience and leeway the verifier built from them
     * also applies (the caller checks them first, with reasons).
     */
    public JwksKeys(Vertx vertx, String url, JWTOptions checks, Clock clock) {
        this.vertx = vertx;
        this.client = WebClient.create(vertx, new WebClientOptions().setConnectTimeout((int) FETCH_TIMEOUT_MS).setUserAgent("gantry-cloudapi"));
        this.url = url;
        this.checks = checks;
        this.clock = clock;
    }

    /**
     * The keys, fetched now if they never were (fails with ServiceUnavailable while the provider cannot answer); when
     * older than {@link #MAX_AGE}, the keys as they are while a fetch in the background replaces them.
     */
    public synchronized Future<Keys> current() {
        if (keys == null) {
            return fetch();
        }
        // the keys as they are now: a fetch that completes at once (its answer already in) replaces them during fetch()
        Keys serving = keys;
        if (fetching == null && Duration.between(lastFetch, clock.instant()).compareTo(MAX_AGE) > 0) {
            fetch().onFailure(e -> LOG.warn("the identity provider's keys were not refreshed; the ones fetched before still serve: {}",
                    e.getMessage()));
        }
        return Future.succeededFuture(serving);
    }

    /**
     * The keys, fetched again if a token names {@code kid}, which they lack, and the last fetch is older than
     * {@link #MIN_RELOAD_INTERVAL}; otherwise the keys as they are.
     */
    public synchronized Future<Keys> refreshFor(String kid) {
        if (keys != null && (keys.has(kid) || Duration.between(lastFetch, clock.instant()).compareTo(MIN_RELOAD_INTERVAL) < 0)) {
            return Future.succeededFuture(keys);
        }
        return fetch();
    }

    /** One fetch at a time: requests arriving meanwhile wait for the same answer. */
    private Future<Keys> fetch() {
        if (fetching != null) {
            return fetching;
        }
        lastFetch = clock.instant();
        Future<Keys> f = client.getAbs(url).timeout(FETCH_TIMEOUT_MS).send()
                .recover(e -> Future.failedFuture(unavailable("cannot be reached (" + describe(e) + ")")))
                .map(response -> {
                    if (response.statusCode() != 200) {
                        throw unavailable("answered HTTP " + response.statusCode());
                    }
                    JsonObject body;
                    try {
                        body = response.bodyAsJsonObject();
                    } catch (RuntimeException e) {
                        throw unavailable("answered something that is not a JSON Web Key Set");
                    }
                    return keysOf(body);
                });
        fetching = f;
        f.onComplete(done -> {
            synchronized (this) {
                fetching = null;
                if (done.succeeded()) {
                    keys = done.result();
                }
            }
        });
        return f;
    }

    private Keys keysOf(JsonObject jwks) {
        JsonArray all = jwks == null ? null : jwks.getJsonArray("keys");
        if (all == null) {
            throw unavailable("answered something that is not a JSON Web Key Set (no \"keys\")");
        }
        List<JsonObject> usable = new ArrayList<>();
        Set<String> kids = new HashSet<>();
        for (Object o : all) {
            if (o instanceof JsonObject key && usable(key)) {
                usable.add(key);
                if (key.getString("kid") != null) {
                    kids.add(key.getString("kid"));
                }
            }
        }
        if (usable.isEmpty()) {
            // never build a verifier without keys: Vert.x's JWT then runs "unsecured" and takes unsigned tokens
            throw unavailable("publishes no signing key of an allowed algorithm (" + String.join(", ", BearerTokenVerifier.ALGORITHMS) + ")");
        }
        return new Keys(JWTAuth.create(vertx, new JWTAuthOptions().setJwks(usable).setJWTOptions(checks)), Set.copyOf(kids));
    }

    /** A public signing key (RSA or EC) whose algorithm, stated or implied by its type, is allowed. */
    private static boolean usable(JsonObject key) {
        String kty = key.getString("kty");
        String use = key.getString("use");
        if (use != null && !"sig".equals(use)) {
            return false;
        }
        String alg;
        if ("RSA".equals(kty)) {
            alg = key.getString("alg", "RS256");
        } else if ("EC".equals(kty)) {
            alg = key.getString("alg", "ES256");
        } else {
            return false;
        }
        return BearerTokenVerifier.ALGORITHMS.contains(alg) && !key.containsKey("d"); // "d": a private key has no place here
    }

    private GantryException unavailable(String what) {
        return new GantryException(ErrorCode.ServiceUnavailable, "bearer tokens cannot be checked now: the identity provider's keys at "
                + url + " " + what + "; try again shortly, or sign the request with an SSH key");
    }

    private static String describe(Throwable e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
