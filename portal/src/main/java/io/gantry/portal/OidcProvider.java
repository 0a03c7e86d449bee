package io.gantry.portal;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.oauth2.OAuth2Auth;
import io.vertx.ext.auth.oauth2.OAuth2FlowType;
import io.vertx.ext.auth.oauth2.OAuth2Options;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OpenID Connect provider the portal signs users in with, made on first use: the identity provider may start
 * after the portal (gantry dev starts Keycloak in the background), so discovery happens at the first sign-in and is
 * tried again at the next one when it failed.
 *
 * <p>The provider is built by hand from the discovery document, not with {@code OpenIDConnectAuth.discover}: that
 * one also sets the introspection endpoint, and vertx-auth-oauth2 then accepts any token the identity provider calls
 * active, whatever its audience (stack.md §1). Here there is no introspection; tokens are checked locally against
 * the realm's keys (fetched again when a token names an unknown key), the issuer, the audience and the expiry.
 */
final class OidcProvider {
    private static final Logger LOG = LoggerFactory.getLogger(OidcProvider.class);
    /** The audience the cloud API requires of an access token (design: Keycloak's gantry-api client). */
    static final String API_AUDIENCE = "gantry-api";
    private static final int DISCOVERY_TIMEOUT_MS = 5_000;

    private final Vertx vertx;
    private final String issuer;
    private final String clientId;
    private final String clientSecret;
    private final Path issuerCa;
    private final WebClient discoveryClient;
    private OAuth2Auth ready;
    private Future<OAuth2Auth> pending;

    OidcProvider(Vertx vertx, String issuer, String clientId, String clientSecret, Path issuerCa) {
        this.vertx = vertx;
        this.issuer = issuer;
        this.clientId = clientId;
        this.clientSecret = clientSecret;
        this.issuerCa = issuerCa;
        WebClientOptions options = new WebClientOptions().setConnectTimeout(DISCOVERY_TIMEOUT_MS).setKeepAlive(false);
        trust(options, issuerCa);
        this.discoveryClient = WebClient.create(vertx, options);
    }

    /** The provider, discovering it first if that has not succeeded yet; fails (with a one-line reason) while the issuer is unreachable. */
    synchronized Future<OAuth2Auth> get() {
        if (ready != null) {
            return Future.succeededFuture(ready);
        }
        if (pending == null) {
            Promise<OAuth2Auth> promise = Promise.promise();
            pending = promise.future();
            discover().onComplete(ar -> {
                synchronized (this) {
                    pending = null;
                    if (ar.succeeded()) {
                        ready = ar.result();
                    } else {
                        LOG.warn("sign-in: the identity provider {} is not reachable yet: {}", issuer, ar.cause().getMessage());
                    }
                }
                promise.handle(ar);
            });
        }
        return pending;
    }

    /** The provider when discovery has succeeded, else null (sign-out needs it but must not wait for it). */
    synchronized OAuth2Auth readyOrNull() {
        return ready;
    }

    private Future<OAuth2Auth> discover() {
        return discoveryClient.getAbs(issuer + "/.well-known/openid-configuration").timeout(DISCOVERY_TIMEOUT_MS).send()
                .compose(response -> {
                    if (response.statusCode() != 200) {
                        return Future.failedFuture("its discovery document answered HTTP " + response.statusCode());
                    }
                    JsonObject doc;
                    try {
                        doc = response.bodyAsJsonObject();
                    } catch (RuntimeException e) {
                        return Future.failedFuture("its discovery document is not JSON");
                    }
                    if (doc == null || !issuer.equals(doc.getString("issuer"))) {
                        return Future.failedFuture("its discovery document names another issuer: " + (doc == null ? null : doc.getString("issuer")));
                    }
                    OAuth2Auth auth = OAuth2Auth.create(vertx, options(doc));
                    auth.missingKeyHandler(kid -> auth.jWKSet().onFailure(e -> LOG.warn("sign-in: fetching the realm's keys failed: {}", e.getMessage())));
                    return auth.jWKSet().map(v -> auth);
                });
    }

    private OAuth2Options options(JsonObject doc) {
        HttpClientOptions http = new HttpClientOptions().setConnectTimeout(DISCOVERY_TIMEOUT_MS);
        trust(http, issuerCa);
        return new OAuth2Options()
                .setFlow(OAuth2FlowType.AUTH_CODE)
                .setSite(issuer)
                .setClientId(clientId)
                .setClientSecret(clientSecret)
                .setAuthorizationPath(doc.getString("authorization_endpoint"))
                .setTokenPath(doc.getString("token_endpoint"))
                .setJwkPath(doc.getString("jwks_uri"))
                .setLogoutPath(doc.getString("end_session_endpoint"))
                .setUserInfoPath(doc.getString("userinfo_endpoint"))
                .setRevocationPath(null)
                // the trap of stack.md §1: with an introspection endpoint a token failing local checks is accepted if active
                .setIntrospectionPath(null)
                .setValidateIssuer(true)
                .setJWTOptions(new JWTOptions().setIssuer(issuer).addAudience(API_AUDIENCE).setLeeway(5))
                .setHttpClientOptions(http);
    }

    static void trust(HttpClientOptions options, Path ca) {
        if (ca != null) {
            options.setTrustOptions(new PemTrustOptions().addCertPath(ca.toString()));
        }
    }

    void close() {
        discoveryClient.close();
    }
}
