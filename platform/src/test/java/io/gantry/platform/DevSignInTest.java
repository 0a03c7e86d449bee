package io.gantry.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.gantry.agent.host.Cmd;
import io.gantry.agent.host.HostProbe;
import io.gantry.testkit.LoopbackPort;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * `gantry dev` as its own process, as a developer runs it: Keycloak starts in the background and a line says when
 * sign-in is ready, after which the curl lines it printed get a token the cloud API takes and the portal sends
 * sign-ins to that Keycloak (with --tls: the portal on HTTPS, Keycloak's page accepting its https callback);
 * stopping dev stops Keycloak. With --no-keycloak the portal says sign-in is not
 * configured. Needs root and runc (dev runs this machine's agent).
 */
@Tag("zones")
class DevSignInTest {
    private static final Duration SIGN_IN_READY = Duration.ofMinutes(5);
    private static final Pattern READY = Pattern.compile("gantry dev: sign-in ready: open (\\S+) and sign in as alice / alice-pw \\(tenant\\)"
            + " or olga / olga-pw \\(operator\\)");
    private static final Pattern TOKEN_URL = Pattern.compile("-d password=alice-pw (\\S+/protocol/openid-connect/token)");

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(10)).build();

    @Test
    void devSaysWhenSignInIsReadyAndItsTokensWorkOnTheApi() throws Exception {
        HostProbe.whyNoRealZones().ifPresent(why -> assumeTrue(false, why));
        Run run = new Run("dsi");
        int keycloakPort = LoopbackPort.free();
        try {
            run.tls();
            Process dev = run.start("--keycloak-port", Integer.toString(keycloakPort), "--tls");
            run.await(dev, "gantry dev is running", Duration.ofMinutes(3));
            HttpClient https = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).followRedirects(HttpClient.Redirect.NEVER)
                    .sslContext(io.gantry.tls.CaTrust.of(run.state.resolve("dev/tls/ca.pem")).context()).build();
            assertThat(run.log()).contains("Portal: " + run.portal + "   (Keycloak starts in the background");
            run.await(dev, "gantry dev: sign-in ready", SIGN_IN_READY);
            String said = run.log();
            Matcher ready = READY.matcher(said);
            assertThat(ready.find()).as(said).isTrue();
            assertThat(ready.group(1)).isEqualTo(run.portal);
            Matcher tokenUrl = TOKEN_URL.matcher(said);
            assertThat(tokenUrl.find()).as("the curl line for a token:\n" + said).isTrue();
            assertThat(tokenUrl.group(1)).isEqualTo("http://127.0.0.1:" + keycloakPort + "/realms/gantry/protocol/openid-connect/token");
            assertThat(said).contains("curl -s --cacert " + run.state.resolve("dev/tls/ca.pem") + " -H \"Authorization: Bearer $TOKEN\" "
                    + run.api + "/my/machines");

            // what the printed curl lines do
            HttpResponse<String> token = http.send(HttpRequest.newBuilder(URI.create(tokenUrl.group(1)))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("grant_type=password&client_id=gantry-cli&username=alice&password=alice-pw"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(token.statusCode()).as(token.body()).isEqualTo(200);
            String accessToken = new JsonObject(token.body()).getString("access_token");
            HttpResponse<String> machines = https.send(HttpRequest.newBuilder(URI.create(run.api + "/my/machines"))
                    .header("Authorization", "Bearer " + accessToken).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(machines.statusCode()).as(machines.body()).isEqualTo(200);

            HttpResponse<String> signin = https.send(HttpRequest.newBuilder(URI.create(run.portal + "/signin")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(signin.statusCode()).isEqualTo(302);
            String authorize = signin.headers().firstValue("Location").orElseThrow();
            assertThat(authorize).startsWith("http://127.0.0.1:" + keycloakPort + "/realms/gantry/protocol/openid-connect/auth?")
                    .contains("redirect_uri=" + java.net.URLEncoder.encode(run.portal + "/callback", java.nio.charset.StandardCharsets.UTF_8));
            HttpResponse<String> login = http.send(HttpRequest.newBuilder(URI.create(authorize)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(login.statusCode()).as("Keycloak takes the portal's https callback: " + login.body()).isEqualTo(200);
            assertThat(login.body()).contains("kc-form-login");

            run.stop(dev);
            assertThat(keycloakProcesses(run.state)).as("gantry dev stopped its Keycloak").isZero();
            LoopbackPorts.requireFree(keycloakPort, "Keycloak", "--keycloak-port"); // throws while anything still listens there
        } catch (Throwable e) {
            System.out.println("gantry dev said:\n" + run.log());
            throw e;
        } finally {
            run.cleanUp();
        }
    }

    @Test
    void withoutKeycloakThePortalSaysSignInIsNotConfigured() throws Exception {
        HostProbe.whyNoRealZones().ifPresent(why -> assumeTrue(false, why));
        Run run = new Run("dsn");
        try {
            Process dev = run.start("--no-keycloak");
            run.await(dev, "gantry dev is running", Duration.ofMinutes(3));
            assertThat(run.log()).contains("Portal: " + run.portal + "   (sign-in not configured: --no-keycloak)")
                    .doesNotContain("Keycloak in the background");
            HttpResponse<String> signin = http.send(HttpRequest.newBuilder(URI.create(run.portal + "/signin")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(signin.statusCode()).isEqualTo(503);
            assertThat(signin.body()).contains("Sign-in is not configured");
            run.stop(dev);
        } catch (Throwable e) {
            System.out.println("gantry dev said:\n" + run.log());
            throw e;
        } finally {
            run.cleanUp();
        }
    }

    private static long keycloakProcesses(Path state) {
        String dir = state.resolve("dev/keycloak").toAbsolutePath() + "/";
        return ProcessHandle.allProcesses().filter(p -> p.info().commandLine().map(c -> c.contains(dir)).orElse(false)).count();
    }

    /** One gantry dev of this test: its own node, state directory, ports and log. */
    private static final class Run {
        final Path work;
        final Path state;
        final Path log;
        final String node;
        String api;
        String portal;
        final int apiPort;
        final int portalPort;
        final ChildRoles roles = new ChildRoles();

        Run(String prefix) throws Exception {
            work = Files.createTempDirectory("gantry-dev-signin-");
            state = work.resolve("state");
            log = work.resolve("dev.log");
            node = prefix + ProcessHandle.current().pid() % 10000;
            apiPort = LoopbackPort.free();
            portalPort = LoopbackPort.free();
            api = "http://127.0.0.1:" + apiPort;
            portal = "http://127.0.0.1:" + portalPort;
        }

        /** gantry dev --tls serves the cloud API and the portal over HTTPS. */
        void tls() {
            api = api.replace("http://", "https://");
            portal = portal.replace("http://", "https://");
        }

        Process start(String... more) throws Exception {
            java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("--node", node, "--state-dir", state.toString(), "dev",
                    "--api-port", Integer.toString(apiPort), "--zk-port", Integer.toString(LoopbackPort.free()),
                    "--db-port", Integer.toString(LoopbackPort.free()), "--metering-port", Integer.toString(LoopbackPort.free()),
                    "--portal-port", Integer.toString(portalPort), "--key-dir", work.resolve("ssh").toString(),
                    "--image-store-port", Integer.toString(LoopbackPort.free())));
            args.addAll(java.util.List.of(more));
            return roles.start(log, Map.of(), args.toArray(String[]::new));
        }

        void await(Process dev, String text, Duration timeout) {
            Poll.until(timeout, () -> {
                assertThat(dev.isAlive()).as("gantry dev ended early:\n" + log()).isTrue();
                assertThat(log()).as(log + " says '" + text + "'").contains(text);
            });
        }

        void stop(Process dev) throws InterruptedException {
            dev.destroy();
            assertThat(dev.waitFor(90, TimeUnit.SECONDS)).as("gantry dev stops on SIGTERM").isTrue();
            // every role closed before the JVM ended (it halts once its shutdown hooks return, not when main is done),
            // and none met its database already stopped on its way out
            String log = log();
            assertThat(log.substring(Math.max(0, log.indexOf("gantry: stopping")))).as("gantry dev's log from SIGTERM on")
                    .contains("gantry: stopping").endsWith("gantry dev: stopped\n")
                    .doesNotContain("terminating connection due to administrator command", " ERROR ");
        }

        String log() {
            try {
                return Files.exists(log) ? Files.readString(log) : "";
            } catch (java.io.IOException e) {
                return "(cannot read " + log + ": " + e.getMessage() + ")";
            }
        }

        void cleanUp() throws InterruptedException {
            roles.close();
            StalePostgres.stop(state.resolve("dev/postgres"));
            DevSignIn.stopStale(state.resolve("dev/keycloak"));
            ChildRoles.inProcess("--node", node, "--state-dir", state.toString(), "node", "destroy", "--yes");
            Cmd.run("rm", "-rf", "--one-file-system", work.toString());
        }
    }
}
