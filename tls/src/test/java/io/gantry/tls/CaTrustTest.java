package io.gantry.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Trusting a private CA's PEM file as a client: what loads, and the one-line refusals of what does not. */
class CaTrustTest {
    @TempDir
    Path dir;

    @Test
    void aCaMadeByTheDevCertificateAuthorityIsTrusted() {
        CertificateAuthority ca = CertificateAuthority.in(dir.resolve("ca"));
        CaTrust trust = CaTrust.of(ca.certificate());
        assertThat(trust.file()).isEqualTo(ca.certificate());
        assertThat(trust.context().getProtocol()).isEqualTo("TLS");
        assertThat(CaTrust.parameters().getProtocols()).containsExactlyInAnyOrder("TLSv1.2", "TLSv1.3");
        assertThat(CaTrust.parameters().getEndpointIdentificationAlgorithm()).isEqualTo("HTTPS");
    }

    @Test
    void aFileThatIsMissingEmptyOrNotACertificateIsRefusedInOneLine() throws IOException {
        Path missing = dir.resolve("none.pem");
        assertThatThrownBy(() -> CaTrust.of(missing)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("CA file " + missing + " does not exist");
        Path empty = Files.writeString(dir.resolve("empty.pem"), "");
        assertThatThrownBy(() -> CaTrust.of(empty)).hasMessage("CA file " + empty + " holds no PEM certificate");
        Path junk = Files.writeString(dir.resolve("junk.pem"), "-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n");
        assertThatThrownBy(() -> CaTrust.of(junk)).hasMessageStartingWith("CA file " + junk + " is not a PEM certificate")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        assertThatThrownBy(() -> CaTrust.of(dir)).hasMessageStartingWith("cannot read CA file " + dir);
    }

    @Test
    void aHandshakeFailureIsFoundAmongTheCauses() {
        assertThat(CaTrust.isHandshakeFailure(new IOException("wrapped", new SSLHandshakeException("PKIX path building failed")))).isTrue();
        assertThat(CaTrust.isHandshakeFailure(new IOException("connection refused"))).isFalse();
    }
}
