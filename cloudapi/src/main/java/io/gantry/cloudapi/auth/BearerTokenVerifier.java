package io.gantry.cloudapi.auth;

import io.gantry.cloudapi.OidcSettings;
import io.gantry.common.ErrorCode;
import io.gantry.common.GantryException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Checks a bearer token (a JWT access token from the OpenID Connect issuer) locally, never by asking the provider
 * (introspection would accept a token meant for another audience: stack.md §1): its algorithm is one of
 * {@link #ALGORITHMS}, its signature verifies with a key the issuer publishes, it was issued by the configured
 * issuer for the configured audience, it is an access token ({@code typ} Bearer, when stated), and it is valid now
 * ({@code exp}, {@code nbf}, give or take {@link #LEEWAY}). The claims are checked first, each refusal with its own
 * one-line reason, so that a token that would be refused anyway never makes the API fetch keys; Vert.x's JWT code
 * (vertx-auth-jwt) then verifies the signature with the issuer's keys and repeats the issuer and audience checks.
 */
public final class BearerTokenVerifier {
    /** Asymmetric signatures only: never {@code none}, never an HMAC (HS256 with the public key as secret is a known forgery). */
    public static final List<String> ALGORITHMS = List.of("RS256", "RS384", "RS512", "PS256", "ES256", "ES384");
    /**
     * How far a token's times may be off this clock. Small, because an expired token must stop working promptly; not
     * zero, because the issuer's clock and this one differ by NTP's jitter, and a token issued "now" must not arrive
     * "not yet valid".
     */
    public static final Duration LEEWAY = Duration.ofSeconds(5);
    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_-]+");

    private final OidcSettings settings;
    private final JwksKeys keys;
    private final Clock clock;

    public BearerTokenVerifier(Vertx vertx, OidcSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
        // times are checked here only, against this clock: Vert.x's own check reads the system clock
        JWTOptions checks = new JWTOptions().setIssuer(settings.issuer()).setAudience(List.of(settings.audience()))
                .setIgnoreExpiration(true);
        this.keys = new JwksKeys(vertx, settings.jwksUrl(), checks, clock);
    }

    public OidcSettings settings() {
        return settings;
    }

    /** The token's issuer, subject and claims; fails with InvalidCredentials (why) or ServiceUnavailable (keys unreachable). */
    public Future<VerifiedToken> verify(String token) {
        JsonObject header;
        JsonObject claims;
        String kid;
        try {
            String[] parts = token.split("\\.", -1);
            if (parts.length != 3) {
                throw refused("malformed: a JWT has three dot-separated parts, this has " + parts.length);
            }
            if (parts[2].isEmpty()) {
                throw refused("unsigned (it has no signature)");
            }
            header = json(parts[0], "header");
            claims = json(parts[1], "claims");
            if (!SEGMENT.matcher(parts[2]).matches()) {
                throw refused("malformed: its signature is not base64url");
            }
            String alg = header.getValue("alg") instanceof String a ? a : null;
            if (alg == null) {
                throw refused("malformed: its header names no algorithm (alg)");
            }
            if (!ALGORITHMS.contains(alg)) {
                throw refused("signed with algorithm " + alg + ", which is not allowed (allowed: " + String.join(", ", ALGORITHMS) + ")");
            }
            if (header.containsKey("crit")) {
                throw refused("malformed: it has critical header parameters (crit), which this API does not understand");
            }
            kid = header.getValue("kid") instanceof String k ? k : null;
            checkClaims(claims);
        } catch (GantryException e) {
            return Future.failedFuture(e);
        }
        Future<JwksKeys.Keys> signingKeys = kid == null ? keys.current()
                : keys.current().compose(k -> k.has(kid) ? Future.succeededFuture(k) : keys.refreshFor(kid));
        return signingKeys.compose(k -> {
            if (kid != null && !k.has(kid)) {
                return Future.failedFuture(refused("signed with key '" + kid + "', which the issuer does not publish"));
            }
            return k.verifier().authenticate(new TokenCredentials(token))
                    .recover(e -> Future.failedFuture(refused(badSignature(e)
                            ? "bad signature: it does not verify with the issuer's key" : "refused by the JWT check: " + firstLine(e))))
                    .map(user -> new VerifiedToken(claims.getString("iss"), claims.getString("sub"), claims));
        });
    }

    private void checkClaims(JsonObject claims) {
        Object typ = claims.getValue("typ");
        if (typ != null && !"Bearer".equalsIgnoreCase(String.valueOf(typ))) {
            throw refused("not an access token: its typ is " + typ + ", not Bearer");
        }
        Object iss = claims.getValue("iss");
        if (!settings.issuer().equals(iss)) {
            throw refused("wrong issuer: " + (iss == null ? "it names none" : "issued by " + iss) + ", not by " + settings.issuer());
        }
        Object aud = claims.getValue("aud");
        boolean forUs = aud instanceof String a ? a.equals(settings.audience()) : aud instanceof JsonArray list && list.contains(settings.audience());
        if (!forUs) {
            throw refused("wrong audience: " + (aud == null ? "it names none" : "it is for " + aud) + ", not for " + settings.audience());
        }
        Instant now = clock.instant();
        Instant exp = time(claims, "exp");
        if (exp == null) {
            throw refused("malformed: it has no expiry time (exp)");
        }
        if (!now.isBefore(exp.plus(LEEWAY))) {
            throw refused("expired at " + exp);
        }
        Instant nbf = time(claims, "nbf");
        if (nbf != null && now.plus(LEEWAY).isBefore(nbf)) {
            throw refused("not valid yet: not before " + nbf);
        }
        Instant iat = time(claims, "iat");
        if (iat != null && now.plus(LEEWAY).isBefore(iat)) {
            throw refused("not valid yet: issued in the future, at " + iat);
        }
        if (!(claims.getValue("sub") instanceof String sub) || sub.isBlank()) {
            throw refused("malformed: it names no subject (sub)");
        }
    }

    private static Instant time(JsonObject claims, String name) {
        Object value = claims.getValue(name);
        if (value == null) {
            return null;
        }
        // a number of seconds within ten thousand years either way (Instant's range is wider, but not unbounded)
        if (!(value instanceof Number n) || !(Math.abs(n.doubleValue()) < 315_569_520_000d)) {
            throw refused("malformed: its " + name + " is not a number of seconds since 1970");
        }
        return Instant.ofEpochSecond(n.longValue());
    }

    private static JsonObject json(String segment, String what) {
        if (!SEGMENT.matcher(segment).matches()) {
            throw refused("malformed: its " + what + " is not base64url");
        }
        try {
            // strict UTF-8, as Vert.x's decoder reads it after us: a replacement character here would be an error there
            String text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(Base64.getUrlDecoder().decode(segment))).toString();
            return new JsonObject(text);
        } catch (RuntimeException | CharacterCodingException e) {
            throw refused("malformed: its " + what + " is not a JSON object in UTF-8");
        }
    }

    /** Vert.x's refusal of the signature itself, however it words it (a tampered one may fail on its length first). */
    private static boolean badSignature(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String message = String.valueOf(t.getMessage());
            if (t instanceof java.security.SignatureException || message.startsWith("Signature")
                    || message.startsWith(java.security.SignatureException.class.getName())) {
                return true;
            }
        }
        return false;
    }

    private static String firstLine(Throwable e) {
        String message = String.valueOf(e.getMessage()).strip();
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline).strip();
    }

    private static GantryException refused(String why) {
        return new GantryException(ErrorCode.InvalidCredentials, "bearer token refused: " + why);
    }
}
