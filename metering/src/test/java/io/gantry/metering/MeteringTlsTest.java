package io.gantry.metering;

import static org.assertj.core.api.Assertions.assertThat;

import io.gantry.tls.CertificateAuthority;
import io.gantry.tls.TlsFiles;
import io.gantry.testkit.TrustedCa;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Metering over HTTPS: advertised as https, served to a client trusting the CA, new certificate files loaded live. */
class MeteringTlsTest {
    @TempDir
    Path dir;

    @Test
    void servesHttpsAndReloadsItsCertificate() throws Exception {
        CertificateAuthority ca = CertificateAuthority.in(dir.resolve("ca"));
        TlsFiles tls = ca.issue(dir.resolve("server.pem"), dir.resolve("server.key"), 2);
        TestDatabase db = TestDatabase.create(true);
        try (Instance metering = Instance.leading(db.config(new TestClock(Instant.parse("2026-11-25T12:00:00Z"))).withTls(tls))) {
            TrustedCa trusted = new TrustedCa(ca.certificate());
            int port = metering.service.port();
            assertThat(metering.service.baseUrl()).isEqualTo("https://127.0.0.1:" + port);
            HttpClient client = HttpClient.newBuilder().sslContext(trusted.context()).build();
            HttpResponse<String> metrics = client.send(HttpRequest.newBuilder(URI.create(metering.service.baseUrl() + "/metrics"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(trusted.servedSerial(port)).isEqualTo(TrustedCa.serialOf(tls.cert()));

            Path nextDir = Files.createDirectories(dir.resolve("next"));
            TlsFiles next = ca.issue(nextDir.resolve("n.pem"), nextDir.resolve("n.key"), 2);
            BigInteger expected = TrustedCa.serialOf(next.cert());
            Files.copy(next.key(), tls.key(), StandardCopyOption.REPLACE_EXISTING);
            Files.copy(next.cert(), tls.cert(), StandardCopyOption.REPLACE_EXISTING);
            Awaitility.await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200))
                    .untilAsserted(() -> assertThat(trusted.servedSerial(port)).isEqualTo(expected));
        }
    }
}
