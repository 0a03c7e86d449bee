package io.gantry.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.gantry.testkit.LoopbackPort;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * `gantry portal` as its own process, configured by a $GANTRY_CONFIG file with its client secret in a file: it
 * serves, says where, and while its identity provider does not answer its sign-in says so (503) instead of failing.
 */
class PortalRoleTest {
    @Test
    void thePortalRoleServesFromItsConfigFileAndWaitsForItsIdentityProvider() throws Exception {
        Path work = Files.createTempDirectory("gantry-portal-role-");
        int port = LoopbackPort.free();
        int nowhere = LoopbackPort.free();
        Path secret = Files.writeString(work.resolve("portal-secret"), "s3cret\n");
        Path config = Files.writeString(work.resolve("portal.properties"), String.join("\n", "listen-port=" + port,
                "cloudapi-url=http://127.0.0.1:" + nowhere, "oidc-issuer=http://127.0.0.1:" + nowhere + "/realms/gantry",
                "oidc-client-secret-file=" + secret, ""));
        Path log = work.resolve("portal.log");
        try (ChildRoles roles = new ChildRoles()) {
            Process portal = roles.start(log, Map.of("GANTRY_CONFIG", config.toString()), "portal");
            ChildRoles.awaitLine(portal, log, "portal on http://127.0.0.1:" + port + " (cloud API http://127.0.0.1:" + nowhere
                    + ", sign-in through http://127.0.0.1:" + nowhere + "/realms/gantry)");
            HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
            HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/healthz")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);
            HttpResponse<String> signin = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/signin")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(signin.statusCode()).isEqualTo(503);
            assertThat(signin.body()).contains("Sign-in is starting or unavailable");
            assertThat(Files.readString(log)).as("the secret is never printed").doesNotContain("s3cret");
        } finally {
            io.gantry.agent.host.Cmd.run("rm", "-rf", "--one-file-system", work.toString());
        }
    }
}
