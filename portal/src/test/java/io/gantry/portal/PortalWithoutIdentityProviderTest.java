package io.gantry.portal;

import static org.assertj.core.api.Assertions.assertThat;

import io.gantry.testkit.BrowserLikeClient;
import io.gantry.testkit.LoopbackPort;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The portal while its identity provider does not answer (gantry dev starts Keycloak after the portal) and when no
 * provider is configured at all (gantry dev --no-keycloak): it still serves, says clearly why no one can sign in,
 * guards pages and changes, and sends its security headers.
 */
class PortalWithoutIdentityProviderTest {
    static Vertx vertx;
    static PortalServer unreachable;
    static PortalServer unconfigured;
    static int deadPort;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        deadPort = LoopbackPort.free();
        String nowhere = "http://127.0.0.1:" + deadPort;
        unreachable = PortalServer.start(vertx, PortalConfig.of("127.0.0.1", 0, nowhere, nowhere + "/realms/gantry", "secret"))
                .toCompletionStage().toCompletableFuture().get();
        unconfigured = PortalServer.start(vertx, PortalConfig.of("127.0.0.1", 0, nowhere, null, null))
                .toCompletionStage().toCompletableFuture().get();
    }

    @AfterAll
    static void stop() throws Exception {
        if (unreachable != null) {
            unreachable.close();
        }
        if (unconfigured != null) {
            unconfigured.close();
        }
        vertx.close().toCompletionStage().toCompletableFuture().get();
    }

    @Test
    void signInWhileTheProviderIsDownAnswersAClearRetryPage() throws Exception {
        HttpResponse<String> r = new BrowserLikeClient().get(unreachable.url() + "/signin?return=%2Fkeys.html");
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/html"));
        assertThat(r.body()).contains("Sign-in is starting or unavailable").contains("127.0.0.1:" + deadPort)
                .contains("/signin?return=%2Fkeys.html").doesNotContain("Exception").doesNotContain("at io.");
    }

    @Test
    void signInWithoutAProviderSaysItIsNotConfigured() throws Exception {
        HttpResponse<String> r = new BrowserLikeClient().get(unconfigured.url() + "/signin");
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.body()).contains("Sign-in is not configured").contains("--oidc-issuer");
    }

    @Test
    void aPageWithoutASessionRedirectsToSignInAndBack() throws Exception {
        BrowserLikeClient browser = new BrowserLikeClient();
        HttpResponse<String> root = browser.get(unreachable.url() + "/");
        assertThat(root.statusCode()).isEqualTo(302);
        assertThat(BrowserLikeClient.location(root)).isEqualTo("/machines.html");
        HttpResponse<String> page = browser.get(unreachable.url() + "/machines.html?state=running");
        assertThat(page.statusCode()).isEqualTo(302);
        assertThat(BrowserLikeClient.location(page)).isEqualTo("/signin?return=%2Fmachines.html%3Fstate%3Drunning");
        assertThat(browser.get(unreachable.url() + "/favicon.ico").statusCode()).as("asked for by the browser itself: no sign-in").isEqualTo(404);
    }

    @Test
    void apiAndSessionWithoutASessionAnswer401InCloudApiFormat() throws Exception {
        BrowserLikeClient browser = new BrowserLikeClient();
        for (String path : new String[] {"/api/machines", "/session"}) {
            HttpResponse<String> r = browser.get(unreachable.url() + path);
            assertThat(r.statusCode()).as(path).isEqualTo(401);
            assertThat(new JsonObject(r.body()).getString("code")).isEqualTo("InvalidCredentials");
        }
    }

    @Test
    void aChangeWithoutTheCsrfTokenIsRefused() throws Exception {
        BrowserLikeClient browser = new BrowserLikeClient();
        // a session is kept only from an answer of 2xx or 3xx (the 503 of /signin keeps none)
        browser.get(unreachable.url() + "/machines.html");
        assertThat(browser.cookie(PortalServer.CSRF_COOKIE)).isPresent();
        HttpResponse<String> api = browser.send("POST", unreachable.url() + "/api/machines", "application/json", "{}");
        assertThat(api.statusCode()).isEqualTo(403);
        assertThat(new JsonObject(api.body()).getString("code")).isEqualTo("NotAuthorized");
        assertThat(new JsonObject(api.body()).getString("message")).contains("X-XSRF-TOKEN");
        HttpResponse<String> form = browser.send("POST", unreachable.url() + "/signout", "application/x-www-form-urlencoded", "");
        assertThat(form.statusCode()).isEqualTo(403);
        assertThat(form.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/html"));
        HttpResponse<String> forged = browser.send("POST", unreachable.url() + "/signout", "application/x-www-form-urlencoded",
                "X-XSRF-TOKEN=forged");
        assertThat(forged.statusCode()).isEqualTo(403);
    }

    @Test
    void aChangeWithTheCsrfTokenPassesTheCheck() throws Exception {
        BrowserLikeClient browser = new BrowserLikeClient();
        // a session is kept only from an answer of 2xx or 3xx (the 503 of /signin keeps none)
        browser.get(unreachable.url() + "/machines.html");
        String token = browser.cookie(PortalServer.CSRF_COOKIE).orElseThrow();
        HttpResponse<String> header = browser.send("POST", unreachable.url() + "/api/machines", "application/json", "{}",
                PortalServer.CSRF_HEADER, token);
        // past the CSRF check, the next one: no one is signed in
        assertThat(header.statusCode()).isEqualTo(401);
        String renewed = browser.cookie(PortalServer.CSRF_COOKIE).orElseThrow();
        HttpResponse<String> form = browser.send("POST", unreachable.url() + "/signout", "application/x-www-form-urlencoded",
                "X-XSRF-TOKEN=" + renewed);
        assertThat(form.statusCode()).isEqualTo(302);
        assertThat(BrowserLikeClient.location(form)).isEqualTo(unreachable.url() + "/signed-out.html");
    }

    @Test
    void cookiesAreHttpOnlyAndSameSiteLax() throws Exception {
        HttpResponse<String> r = new BrowserLikeClient().get(unreachable.url() + "/machines.html");
        String session = BrowserLikeClient.setCookie(r, PortalServer.SESSION_COOKIE);
        assertThat(session).containsIgnoringCase("HttpOnly").containsIgnoringCase("SameSite=Lax").doesNotContainIgnoringCase("Secure");
        String csrf = BrowserLikeClient.setCookie(r, PortalServer.CSRF_COOKIE);
        assertThat(csrf).doesNotContainIgnoringCase("HttpOnly");
    }

    @Test
    void everyAnswerCarriesTheSecurityHeaders() throws Exception {
        BrowserLikeClient browser = new BrowserLikeClient();
        for (String path : new String[] {"/signin", "/machines.html", "/api/machines", "/healthz", "/nothing-here"}) {
            HttpResponse<String> r = browser.get(unreachable.url() + path);
            assertThat(r.headers().firstValue("Content-Security-Policy")).as(path)
                    .hasValue("default-src 'self'; img-src 'self' data:; frame-ancestors 'none'");
            assertThat(r.headers().firstValue("X-Content-Type-Options")).as(path).hasValue("nosniff");
            assertThat(r.headers().firstValue("Referrer-Policy")).as(path).hasValue("same-origin");
        }
    }

    @Test
    void chartJsComesFromTheWebJarWithoutASession() throws Exception {
        HttpResponse<String> r = new BrowserLikeClient().get(unreachable.url() + "/webjars/chart.js/4.4.1/dist/chart.umd.js");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).contains("javascript"));
        assertThat(r.body()).contains("Chart.js v4.4.1");
        assertThat(new BrowserLikeClient().get(unreachable.url() + "/webjars/").statusCode()).isEqualTo(404);
        assertThat(new BrowserLikeClient().get(unreachable.url() + "/webjars/chart.js/4.4.1/no-such.js").statusCode()).isEqualTo(404);
    }

    @Test
    void aBodyAboveTheCapIs413InCloudApiFormat() throws Exception {
        BrowserLikeClient browser = new BrowserLikeClient();
        HttpResponse<String> r = browser.send("POST", unreachable.url() + "/api/machines", "application/json",
                "{\"name\":\"" + "x".repeat((int) PortalServer.MAX_BODY_BYTES) + "\"}");
        assertThat(r.statusCode()).isEqualTo(413);
        assertThat(new JsonObject(r.body()).getString("code")).isEqualTo("RequestTooLarge");
    }

    @Test
    void healthzAnswersWithoutASession() throws Exception {
        HttpResponse<String> r = new BrowserLikeClient().get(unreachable.url() + "/healthz");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("ok\n");
    }
}
