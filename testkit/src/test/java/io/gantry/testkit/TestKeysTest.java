package io.gantry.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.KeyPair;
import org.junit.jupiter.api.Test;

class TestKeysTest {
    @Test
    void keysAreFreshAndWriteAsOpenSshLines() {
        KeyPair rsa = TestKeys.rsa();
        assertThat(rsa.getPublic()).isNotEqualTo(TestKeys.rsa().getPublic());
        assertThat(TestKeys.openSsh(rsa, "alice")).startsWith("ssh-rsa AAAA").endsWith(" alice");
        assertThat(TestKeys.openSsh(TestKeys.ecdsa(), "bob")).startsWith("ecdsa-sha2-nistp256 AAAA").endsWith(" bob");
    }

    @Test
    void freshKeysSignWhatTheSignerSends() {
        KeyPair ec = TestKeys.ecdsa();
        String header = HttpSigner.of("bob", "SHA256:x", ec, "ecdsa-sha256", "SHA256withECDSA").authorization("GET", "/my", "now", false);
        assertThat(header).contains("keyId=\"/bob/keys/SHA256:x\"", "algorithm=\"ecdsa-sha256\"");
    }
}
