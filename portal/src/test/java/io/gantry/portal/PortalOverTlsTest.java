package io.gantry.portal;

import static org.assertj.core.api.Assertions.assertThat;

import io.gantry.testkit.BrowserLikeClient;
import io.gantry.testkit.LoopbackPort;
import io.gantry.tls.CaTrust;
import io.gantry.tls.CertificateAuthority;
import io.gantry.tls.TlsFiles;
import io.vertx.core.Vertx;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The portal behind its own TLS certificate: every cookie it sets is Secure, besides HttpOnly and SameSite. */
class PortalOverTlsTest {
    static Vertx vertx;
    static PortalServer portal;
    static Path dir;
    static CaTrust trust;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        dir = Files.createTempDirectory("portal-tls-");
        CertificateAuthority ca = CertificateAuthority.in(dir.resolve("ca"));
        TlsFiles files = ca.issue(dir.resolve("server.pem"), dir.resolve("server.key"), 2);
        trust = CaTrust.of(ca.certificate());
        String nowhere = "http://127.0.0.1:" + LoopbackPort.free();
        portal = PortalServer.start(vertx, PortalConfig.of("127.0.0.1", 0, nowhere, nowhere + "/realms/gantry", "secret").withTls(files))
                .toCompletionStage().toCompletableFuture().get();
    }

    @AfterAll
    static void stop() throws Exception {
        if (portal != null) {
            portal.close();
        }
        vertx.close().toCompletionStage().toCompletableFuture().get();
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Test
    void cookiesAreSecureUnderTls() throws Exception {
        assertThat(portal.url()).startsWith("https://127.0.0.1:");
        HttpResponse<String> r = new BrowserLikeClient(trust.context()).get(portal.url() + "/machines.html");
        assertThat(r.statusCode()).isEqualTo(302);
        assertThat(BrowserLikeClient.setCookie(r, PortalServer.SESSION_COOKIE)).containsIgnoringCase("; Secure")
                .containsIgnoringCase("HttpOnly").containsIgnoringCase("SameSite=Lax");
        assertThat(BrowserLikeClient.setCookie(r, PortalServer.CSRF_COOKIE)).containsIgnoringCase("; Secure");
    }
}
