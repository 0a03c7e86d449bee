package io.gantry.cloudapi.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gantry.common.ErrorCode;
import io.gantry.common.GantryException;
import java.nio.file.Path;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.HashMap;
import java.util.Map;
import net.i2p.crypto.eddsa.EdDSAPublicKey;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SshPublicKeyTest {
    @TempDir
    static Path dir;

    /** name -> private key path, made by ssh-keygen in its default (OpenSSH) format. */
    private static final Map<String, Path> KEYS = new HashMap<>();

    @BeforeAll
    static void generateKeys() {
        if (!Tools.onPath("ssh-keygen")) {
            return; // the tests that need keys skip themselves
        }
        KEYS.put("rsa", Tools.sshKeygen(dir, "rsa", "-t", "rsa", "-b", "2048"));
        KEYS.put("ecdsa256", Tools.sshKeygen(dir, "ecdsa256", "-t", "ecdsa", "-b", "256"));
        KEYS.put("ecdsa384", Tools.sshKeygen(dir, "ecdsa384", "-t", "ecdsa", "-b", "384"));
        KEYS.put("ecdsa521", Tools.sshKeygen(dir, "ecdsa521", "-t", "ecdsa", "-b", "521"));
        KEYS.put("ed25519", Tools.sshKeygen(dir, "ed25519", "-t", "ed25519"));
    }

    private static Path pub(String name) {
        Tools.assumeTool("ssh-keygen", "keys for this test are generated with ssh-keygen");
        return Path.of(KEYS.get(name) + ".pub");
    }

    @ParameterizedTest
    @CsvSource({
        "rsa,      ssh-rsa,             2048",
        "ecdsa256, ecdsa-sha2-nistp256, 256",
        "ecdsa384, ecdsa-sha2-nistp384, 384",
        "ecdsa521, ecdsa-sha2-nistp521, 521",
        "ed25519,  ssh-ed25519,         256",
    })
    void md5AndSha256FingerprintsMatchSshKeygen(String name, String type, int bits) {
        Path pub = pub(name);
        SshPublicKey key = SshPublicKey.parse(Tools.read(pub));
        assertThat(key.type()).isEqualTo(type);
        assertThat(key.bits()).isEqualTo(bits);
        assertThat("MD5:" + key.md5Fingerprint()).isEqualTo(Tools.sshKeygenFingerprint(pub, "md5"));
        assertThat(key.sha256Fingerprint()).isEqualTo(Tools.sshKeygenFingerprint(pub, "sha256"));
        assertThat(key.md5Fingerprint()).matches("[0-9a-f]{2}(:[0-9a-f]{2}){15}");
        assertThat(key.sha256Fingerprint()).matches("SHA256:[A-Za-z0-9+/]{43}");
    }

    @Test
    void textIsNormalizedAndKeepsTheComment() {
        String original = Tools.read(pub("rsa"));
        SshPublicKey key = SshPublicKey.parse("  " + original.replace(" rsa@test", "   rsa@test") + "\n\n");
        assertThat(key.text()).isEqualTo(original.strip());
        assertThat(key.comment()).isEqualTo("rsa@test");
        String[] parts = original.strip().split(" ");
        SshPublicKey bare = SshPublicKey.parse(parts[0] + " " + parts[1]);
        assertThat(bare.text()).isEqualTo(parts[0] + " " + parts[1]);
        assertThat(bare.comment()).isEmpty();
        assertThat(bare).isEqualTo(key);
        assertThat(SshPublicKey.parse(key.text()).text()).isEqualTo(key.text());
    }

    @Test
    void publicKeyIsTheJcaKeyOfItsType() {
        assertThat(SshPublicKey.parse(Tools.read(pub("rsa"))).publicKey()).isInstanceOf(RSAPublicKey.class);
        assertThat(SshPublicKey.parse(Tools.read(pub("ecdsa384"))).publicKey()).isInstanceOf(ECPublicKey.class);
        // sshd decodes ssh-ed25519 with net.i2p eddsa; SignatureVerifier verifies those with EdDSAEngine
        assertThat(SshPublicKey.parse(Tools.read(pub("ed25519"))).publicKey()).isInstanceOf(EdDSAPublicKey.class);
    }

    @Test
    void matchesEveryFingerprintFormTheClientsSend() {
        Path pub = pub("ecdsa256");
        SshPublicKey key = SshPublicKey.parse(Tools.read(pub));
        String md5 = key.md5Fingerprint();
        assertThat(key.matches(md5)).isTrue();
        assertThat(key.matches(md5.toUpperCase())).isTrue();
        assertThat(key.matches("MD5:" + md5)).isTrue();
        assertThat(key.matches("md5:" + md5.toUpperCase())).isTrue();
        assertThat(key.matches(md5.replace(":", ""))).isTrue();
        assertThat(key.matches(key.sha256Fingerprint())).isTrue();
        assertThat(key.matches(key.sha256Fingerprint() + "=")).isTrue();
        assertThat(key.matches(Tools.sshKeygenFingerprint(pub, "sha256"))).isTrue();

        SshPublicKey other = SshPublicKey.parse(Tools.read(pub("ed25519")));
        assertThat(key.matches(other.md5Fingerprint())).isFalse();
        assertThat(key.matches(other.sha256Fingerprint())).isFalse();
        assertThat(key.matches(key.sha256Fingerprint().toLowerCase())).isFalse(); // base64 is case-sensitive
        assertThat(key.matches(null)).isFalse();
        assertThat(key.matches("")).isFalse();
        assertThat(key.matches("garbage")).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "garbage",
        "ssh-rsa",
        "ssh-rsa !!!notbase64!!! comment",
        "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ comment",
        "-----BEGIN OPENSSH PRIVATE KEY-----",
        "ssh-rsa AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl mismatched-type",
        "no-such-type AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl",
        "command=\"ls\" ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl",
    })
    void textThatIsNotAnOpenSshPublicKeyIsInvalidArgument(String text) {
        assertThatThrownBy(() -> SshPublicKey.parse(text))
                .isInstanceOf(GantryException.class)
                .satisfies(e -> assertThat(((GantryException) e).code()).isEqualTo(ErrorCode.InvalidArgument))
                .hasMessageStartingWith("not an OpenSSH public key: ");
    }

    @Test
    void emptyAndMultiLineTextAreInvalidArgument() {
        for (String text : new String[] {null, "", "  \n"}) {
            assertThatThrownBy(() -> SshPublicKey.parse(text)).isInstanceOf(GantryException.class)
                    .hasMessageStartingWith("not an OpenSSH public key: ");
        }
        String two = Tools.read(pub("rsa")).strip() + "\n" + Tools.read(pub("ed25519"));
        assertThatThrownBy(() -> SshPublicKey.parse(two)).isInstanceOf(GantryException.class)
                .hasMessageContaining("single line");
    }

    @Test
    void wellFormedEd25519LineParsesWithoutTools() {
        SshPublicKey key = SshPublicKey.parse(
                "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl me@host");
        assertThat(key.type()).isEqualTo("ssh-ed25519");
        assertThat(key.bits()).isEqualTo(256);
        assertThat(key.comment()).isEqualTo("me@host");
    }
}
