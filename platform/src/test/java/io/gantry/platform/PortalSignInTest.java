package io.gantry.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.gantry.cloudapi.CloudApi;
import io.gantry.cloudapi.CloudApiConfig;
import io.gantry.cloudapi.OidcSettings;
import io.gantry.cloudapi.store.DatabaseConfig;
import io.gantry.keycloak.DevRealm;
import io.gantry.keycloak.KeycloakServer;
import io.gantry.portal.PortalConfig;
import io.gantry.portal.PortalServer;
import io.gantry.testkit.BrowserLikeClient;
import io.gantry.testkit.FreshDatabase;
import io.gantry.testkit.LoopbackPort;
import io.gantry.testkit.TestKeys;
import io.gantry.testkit.TestPostgres;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The portal against the real Keycloak (its own login page, filled in as a browser does) and the real cloud API
 * accepting Keycloak's tokens: the code flow with PKCE S256, the session cookie, {@code /session}, {@code /api}
 * passed to the cloud API with the user's token, CSRF on changes, token refresh, and sign-out ending the Keycloak
 * session too. Access tokens live 20 s here, less than the portal's refresh margin, so every API call refreshes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PortalSignInTest {
    private static final String JSON = "application/json";
    private static final String FORM = "application/x-www-form-urlencoded";

    private Path work;
    private Vertx vertx;
    private KeycloakServer keycloak;
    private CloudApi api;
    private PortalServer portal;
    private String url;
    /** A second portal of the same realm whose cloud API does not answer. */
    private PortalServer orphan;
    private String orphanUrl;

    @BeforeAll
    void start() throws Exception {
        work = Files.createTempDirectory("gantry-portal-signin-");
        int portalPort = LoopbackPort.free();
        int orphanPort = LoopbackPort.free();
        url = "http://127.0.0.1:" + portalPort;
        orphanUrl = "http://127.0.0.1:" + orphanPort;
        String secret = UUID.randomUUID().toString();
        DevRealm realm = DevRealm.standard(secret, List.of(url + "/callback", orphanUrl + "/callback"), List.of(url + "/signed-out.html"))
                .withAccessTokenLifespan(Duration.ofSeconds(20));
        CompletableFuture<KeycloakServer> starting = KeycloakServer.startInBackground(work.resolve("keycloak"), LoopbackPort.free(), realm,
                System.out::println);
        FreshDatabase pg = TestPostgres.shared().freshDatabase("portal_signin");
        vertx = Vertx.vertx();
        try {
            keycloak = starting.join();
        } finally {
            if (keycloak == null) {
                starting.thenAccept(KeycloakServer::close);
            }
        }
        api = CloudApi.start(vertx, new CloudApiConfig("127.0.0.1", 0, "http://127.0.0.1", "portal-1",
                new DatabaseConfig(pg.host(), pg.port(), pg.name(), pg.user(), pg.password(), 4), null, null, 1)
                .withOidc(OidcSettings.of(keycloak.issuer())));
        portal = PortalServer.start(vertx, PortalConfig.of("127.0.0.1", portalPort, "http://127.0.0.1:" + api.port(), keycloak.issuer(), secret))
                .toCompletionStage().toCompletableFuture().get();
        orphan = PortalServer.start(vertx, PortalConfig.of("127.0.0.1", orphanPort, "http://127.0.0.1:" + LoopbackPort.free(), keycloak.issuer(),
                secret)).toCompletionStage().toCompletableFuture().get();
    }

    @AfterAll
    void stop() throws Exception {
        if (portal != null) {
            portal.close();
        }
        if (orphan != null) {
            orphan.close();
        }
        if (api != null) {
            api.close();
        }
        if (vertx != null) {
            vertx.close().toCompletionStage().toCompletableFuture().get();
        }
        if (keycloak != null) {
            keycloak.close();
        }
        io.gantry.agent.host.Cmd.run("rm", "-rf", "--one-file-system", work.toString());
    }

    @Test
    void aliceSignsInWithPkceUsesTheApiAndSignsOutOfKeycloakToo() throws Exception {
        BrowserLikeClient browser = new BrowserLikeClient();
        HttpResponse<String> page = browser.get(url + "/keys.html");
        assertThat(page.statusCode()).isEqualTo(302);
        assertThat(BrowserLikeClient.location(page)).isEqualTo("/signin?return=%2Fkeys.html");
        String sessionBefore = browser.cookie(PortalServer.SESSION_COOKIE).orElse(null);
        assertThat(sessionBefore).isNotNull();

        HttpResponse<String> signin = browser.get(url + BrowserLikeClient.location(page));
        assertThat(signin.statusCode()).isEqualTo(302);
        String authorize = BrowserLikeClient.location(signin);
        assertThat(authorize).startsWith(keycloak.issuer() + "/protocol/openid-connect/auth?");
        Map<String, String> q = BrowserLikeClient.query(authorize);
        assertThat(q).containsEntry("client_id", "gantry-portal").containsEntry("response_type", "code")
                .containsEntry("redirect_uri", url + "/callback").containsEntry("code_challenge_method", "S256")
                .containsKeys("state", "nonce");
        assertThat(q.get("code_challenge")).matches("[A-Za-z0-9_-]{43}");
        assertThat(q.get("scope").split(" ")).contains("openid", "profile", "email");

        HttpResponse<String> login = browser.get(authorize);
        assertThat(login.statusCode()).as("Keycloak's login page").isEqualTo(200);
        HttpResponse<String> back = browser.signInOn(login, "alice", "alice-pw");
        assertThat(back.statusCode()).as(back.body()).isEqualTo(302);
        assertThat(BrowserLikeClient.location(back)).startsWith(url + "/callback?");

        HttpResponse<String> callback = browser.get(BrowserLikeClient.location(back));
        assertThat(callback.statusCode()).as(callback.body()).isEqualTo(302);
        assertThat(BrowserLikeClient.location(callback)).as("back to the page first asked for").isEqualTo("/keys.html");
        String cookie = BrowserLikeClient.setCookie(callback, PortalServer.SESSION_COOKIE);
        assertThat(cookie).containsIgnoringCase("HttpOnly").containsIgnoringCase("SameSite=Lax").doesNotContainIgnoringCase("Secure");
        assertThat(browser.cookie(PortalServer.SESSION_COOKIE).orElse(null)).as("a new session id at sign-in").isNotEqualTo(sessionBefore);

        HttpResponse<String> session = browser.get(url + "/session");
        assertThat(session.statusCode()).isEqualTo(200);
        JsonObject me = new JsonObject(session.body());
        assertThat(me.getString("login")).isEqualTo("alice");
        assertThat(me.getBoolean("operator")).isFalse();
        assertThat(me.getString("csrfHeader")).isEqualTo("X-XSRF-TOKEN");
        assertThat(browser.get(url + "/machines.html").statusCode()).as("a page, now signed in").isEqualTo(200);

        // the cloud API's own answers, through the token (its first use made alice's account)
        HttpResponse<String> machines = browser.get(url + "/api/machines");
        assertThat(machines.statusCode()).as(machines.body()).isEqualTo(200);
        assertThat(new JsonArray(machines.body())).isEmpty();
        HttpResponse<String> account = browser.get(url + "/api");
        assertThat(account.statusCode()).isEqualTo(404);
        assertThat(new JsonArray(browser.get(url + "/api/keys").body())).isEmpty();

        String key = new JsonObject().put("name", "laptop").put("key", TestKeys.openSsh(TestKeys.rsa(), "alice@laptop")).encode();
        HttpResponse<String> noCsrf = browser.send("POST", url + "/api/keys", JSON, key);
        assertThat(noCsrf.statusCode()).isEqualTo(403);
        assertThat(new JsonObject(noCsrf.body()).getString("code")).isEqualTo("NotAuthorized");
        assertThat(new JsonArray(browser.get(url + "/api/keys").body())).as("the refused change did not happen").isEmpty();

        HttpResponse<String> added = browser.send("POST", url + "/api/keys", JSON, key, "X-XSRF-TOKEN", browser.cookie("XSRF-TOKEN").orElseThrow());
        assertThat(added.statusCode()).as(added.body()).isEqualTo(201);
        assertThat(new JsonObject(added.body()).getString("name")).isEqualTo("laptop");
        JsonArray keys = new JsonArray(browser.get(url + "/api/keys").body());
        assertThat(keys).hasSize(1);
        assertThat(keys.getJsonObject(0).getString("name")).isEqualTo("laptop");

        // the cloud API's errors pass through unchanged, in its format
        HttpResponse<String> bad = browser.send("POST", url + "/api/keys", JSON, new JsonObject().put("name", "x").put("key", "not a key").encode(),
                "X-XSRF-TOKEN", browser.cookie("XSRF-TOKEN").orElseThrow());
        assertThat(bad.statusCode()).isBetween(400, 499);
        assertThat(new JsonObject(bad.body()).fieldNames()).contains("code", "message");

        HttpResponse<String> signOut = browser.send("POST", url + "/signout", FORM, "X-XSRF-TOKEN=" + browser.cookie("XSRF-TOKEN").orElseThrow());
        assertThat(signOut.statusCode()).isEqualTo(302);
        String endSession = BrowserLikeClient.location(signOut);
        assertThat(endSession).startsWith(keycloak.issuer() + "/protocol/openid-connect/logout?");
        Map<String, String> out = BrowserLikeClient.query(endSession);
        assertThat(out).containsEntry("client_id", "gantry-portal").containsEntry("post_logout_redirect_uri", url + "/signed-out.html");
        assertThat(out.get("id_token_hint")).isNotBlank();
        HttpResponse<String> keycloakOut = browser.get(endSession);
        assertThat(keycloakOut.statusCode()).as(keycloakOut.body()).isEqualTo(302);
        assertThat(BrowserLikeClient.location(keycloakOut)).isEqualTo(url + "/signed-out.html");

        HttpResponse<String> after = browser.get(url + "/api/machines");
        assertThat(after.statusCode()).isEqualTo(401);
        assertThat(new JsonObject(after.body()).getString("code")).isEqualTo("InvalidCredentials");
        assertThat(browser.get(url + "/session").statusCode()).isEqualTo(401);
        // Keycloak's session ended too: signing in again asks for the password
        HttpResponse<String> again = browser.get(BrowserLikeClient.location(browser.get(url + "/signin")));
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(again.body()).contains("kc-form-login");
    }

    @Test
    void olgaIsAnOperator() throws Exception {
        BrowserLikeClient browser = new BrowserLikeClient();
        signIn(browser, "olga");
        JsonObject me = new JsonObject(browser.get(url + "/session").body());
        assertThat(me.getString("login")).isEqualTo("olga");
        assertThat(me.getBoolean("operator")).isTrue();
        // her token reaches the operator routes, but the portal passes nothing outside /my
        for (String sneaky : List.of("/api/%2e%2e/ops/accounts", "/api/..%2fops/accounts", "/api/machines/%2e%2e/%2e%2e/ops/accounts")) {
            HttpResponse<String> r = browser.get(url + sneaky);
            assertThat(r.body()).as(sneaky).doesNotContain("\"login\"");
            assertThat(r.statusCode()).as(sneaky).isNotEqualTo(200);
        }
    }

    @Test
    void aCloudApiThatDoesNotAnswerIsA502InCloudApiFormat() throws Exception {
        BrowserLikeClient browser = new BrowserLikeClient();
        HttpResponse<String> login = browser.get(BrowserLikeClient.location(browser.get(orphanUrl + "/signin")));
        HttpResponse<String> callback = browser.get(BrowserLikeClient.location(browser.signInOn(login, "alice", "alice-pw")));
        assertThat(callback.statusCode()).as(callback.body()).isEqualTo(302);
        HttpResponse<String> r = browser.get(orphanUrl + "/api/machines");
        assertThat(r.statusCode()).isEqualTo(502);
        JsonObject error = new JsonObject(r.body());
        assertThat(error.getString("code")).isEqualTo("BadGateway");
        assertThat(error.getString("message")).startsWith("the cloud API does not answer");
    }

    @Test
    void whenTheKeycloakSessionEndsTheRefreshFailsAndThePortalSessionEnds() throws Exception {
        BrowserLikeClient browser = new BrowserLikeClient();
        signIn(browser, "alice");
        String first = browser.cookie(PortalServer.SESSION_COOKIE).orElse(null);
        assertThat(browser.get(url + "/api/machines").statusCode()).as("a refreshed token works").isEqualTo(200);
        // a second portal session of the same Keycloak session (another tab after a lost cookie): it signs out
        browser.forget(PortalServer.SESSION_COOKIE);
        HttpResponse<String> sso = browser.get(BrowserLikeClient.location(browser.get(url + "/signin")));
        assertThat(sso.statusCode()).as("Keycloak remembers the sign-in").isEqualTo(302);
        browser.get(BrowserLikeClient.location(sso));
        browser.get(url + "/session");
        HttpResponse<String> signOut = browser.send("POST", url + "/signout", FORM, "X-XSRF-TOKEN=" + browser.cookie("XSRF-TOKEN").orElseThrow());
        assertThat(browser.get(BrowserLikeClient.location(signOut)).statusCode()).isEqualTo(302);

        browser.remember(PortalServer.SESSION_COOKIE, first);
        HttpResponse<String> ended = browser.get(url + "/api/machines");
        assertThat(ended.statusCode()).as(ended.body()).isEqualTo(401);
        assertThat(new JsonObject(ended.body()).getString("message")).isEqualTo("your session ended; sign in again");
        assertThat(browser.get(url + "/session").statusCode()).as("the portal session is gone").isEqualTo(401);
    }

    @Test
    void aCallbackWithoutItsSignInIsRefusedWithAPage() throws Exception {
        BrowserLikeClient browser = new BrowserLikeClient();
        HttpResponse<String> r = browser.get(url + "/callback?state=forged&code=forged");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("This sign-in has expired").contains("href=\"/signin\"");
        assertThat(browser.get(url + "/session").statusCode()).isEqualTo(401);
    }

    private void signIn(BrowserLikeClient browser, String user) throws Exception {
        HttpResponse<String> login = browser.get(BrowserLikeClient.location(browser.get(url + "/signin")));
        HttpResponse<String> back = browser.signInOn(login, user, user + "-pw");
        assertThat(back.statusCode()).as(back.body()).isEqualTo(302);
        HttpResponse<String> callback = browser.get(BrowserLikeClient.location(back));
        assertThat(callback.statusCode()).as(callback.body()).isEqualTo(302);
        assertThat(BrowserLikeClient.location(callback)).isEqualTo("/machines.html");
    }
}
