package io.gantry.cloudapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gantry.cloudapi.store.DatabaseConfig;
import io.gantry.tls.CertificateAuthority;
import io.gantry.tls.TlsFiles;
import io.gantry.tls.TlsReloader;
import io.gantry.testkit.FreshDatabase;
import io.gantry.testkit.TestPostgres;
import io.gantry.testkit.TrustedCa;
import io.vertx.core.Vertx;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cloud API over HTTPS: a CA-trusting client gets in, old protocols and plain HTTP do not, and new certificates load live. */
class CloudApiTlsTest {
    @TempDir
    static Path dir;
    static CertificateAuthority ca;
    static TlsFiles tls;
    static Vertx vertx;
    static CloudApi api;
    static TrustedCa trusted;
    static SSLContext trustingCa;

    @BeforeAll
    static void start() throws Exception {
        ca = CertificateAuthority.in(dir.resolve("ca"));
        tls = ca.issue(dir.resolve("server.pem"), dir.resolve("server.key"), 2);
        FreshDatabase database = TestPostgres.shared().freshDatabase("cloudapi_tls");
        DatabaseConfig db = new DatabaseConfig(database.host(), database.port(), database.name(), database.user(), database.password(), 4);
        vertx = Vertx.vertx();
        api = CloudApi.start(vertx, new CloudApiConfig("127.0.0.1", 0, "https://127.0.0.1", "test-1", db, null, null, 2, tls));
        trusted = new TrustedCa(ca.certificate());
        trustingCa = trusted.context();
    }

    @AfterAll
    static void stop() throws Exception {
        if (api != null) {
            api.close();
        }
        if (vertx != null) {
            vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }

    private static BigInteger servedSerial() throws Exception {
        return trusted.servedSerial(api.port());
    }

    private static BigInteger serialOf(Path pem) throws Exception {
        return TrustedCa.serialOf(pem);
    }

    @Test
    void aClientTrustingTheCaPingsOverHttps() throws Exception {
        for (String protocol : new String[] {"TLSv1.2", "TLSv1.3"}) {
            var parameters = trustingCa.getDefaultSSLParameters();
            parameters.setProtocols(new String[] {protocol});
            HttpClient client = HttpClient.newBuilder().sslContext(trustingCa).sslParameters(parameters).build();
            HttpResponse<String> response = client.send(
                    HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + api.port() + "/--ping")).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(protocol).isEqualTo(200);
            assertThat(response.body()).contains("ping");
        }
    }

    @Test
    void tls11IsRefused() throws Exception {
        // openssl as the client: the JDK's own client would refuse TLS 1.1 before the server is asked
        Process p = new ProcessBuilder("openssl", "s_client", "-connect", "127.0.0.1:" + api.port(), "-tls1_1",
                "-cipher", "DEFAULT@SECLEVEL=0", "-CAfile", ca.certificate().toString())
                .redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(output).isNotZero();
        assertThat(output).contains("Cipher is (NONE)");
    }

    @Test
    void plainHttpToTheTlsPortGetsNoHttpAnswer() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", api.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write("GET /--ping HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertThat(answer).doesNotStartWith("HTTP/");
        } catch (java.net.SocketException reset) {
            // the server closing on a non-TLS hello is a refusal too
        }
    }

    @Test
    void newCertificateFilesAreServedWithoutARestart() throws Exception {
        BigInteger before = servedSerial();
        assertThat(before).isEqualTo(serialOf(tls.cert()));

        // a pair that does not match is refused and the old certificate stays
        Path strayDir = Files.createDirectories(dir.resolve("stray"));
        TlsFiles stray = ca.issue(strayDir.resolve("s.pem"), strayDir.resolve("s.key"), 2);
        Files.copy(stray.key(), tls.key(), StandardCopyOption.REPLACE_EXISTING);
        Thread.sleep(TlsReloader.DEFAULT_INTERVAL.toMillis() * 2);
        assertThat(servedSerial()).isEqualTo(before);

        Path nextDir = Files.createDirectories(dir.resolve("next"));
        TlsFiles next = ca.issue(nextDir.resolve("n.pem"), nextDir.resolve("n.key"), 2);
        BigInteger expected = serialOf(next.cert());
        assertThat(expected).isNotEqualTo(before);
        Files.copy(next.key(), tls.key(), StandardCopyOption.REPLACE_EXISTING);
        Files.copy(next.cert(), tls.cert(), StandardCopyOption.REPLACE_EXISTING);
        Awaitility.await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> assertThat(servedSerial()).isEqualTo(expected));
        // every event loop's server presents the new one
        for (int i = 0; i < 6; i++) {
            assertThat(servedSerial()).isEqualTo(expected);
        }
    }

    @Test
    void onlyOneOfCertAndKeyIsAnError() {
        assertThatThrownBy(() -> TlsFiles.of("/x.pem", "")).hasMessageContaining("--tls-cert and --tls-key go together");
        assertThatThrownBy(() -> TlsFiles.of(dir.resolve("missing.pem").toString(), tls.key().toString()))
                .hasMessageContaining("cannot read TLS file");
        assertThat(TlsFiles.of("", null)).isNull();
    }
}
