package io.gantry.cloudapi.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gantry.common.GantryException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SshKeyPairTest {
    @TempDir
    Path dir;

    @Test
    void generatesRsaPemPairThatReparsesAndMatchesSshKeygen() throws Exception {
        Tools.assumeTool("ssh-keygen", "SshKeyPair runs ssh-keygen");
        SshKeyPair pair = SshKeyPair.generate(dir.resolve("keys"), "dev_rsa");
        assertThat(pair.privateKeyFile()).isEqualTo(dir.resolve("keys/dev_rsa"));
        assertThat(pair.publicKeyFile()).isEqualTo(dir.resolve("keys/dev_rsa.pub"));
        assertThat(Tools.read(pair.privateKeyFile())).startsWith("-----BEGIN RSA PRIVATE KEY-----");
        assertThat(Files.getPosixFilePermissions(pair.privateKeyFile()))
                .isEqualTo(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));
        assertThat(pair.publicKey().type()).isEqualTo("ssh-rsa");
        assertThat(pair.publicKey().bits()).isEqualTo(2048);
        assertThat(pair.publicKey().comment()).isEqualTo("gantry-dev");
        assertThat(pair.publicKey().text()).isEqualTo(Tools.read(pair.publicKeyFile()).strip());
        assertThat(pair.publicKey().sha256Fingerprint())
                .isEqualTo(Tools.sshKeygenFingerprint(pair.publicKeyFile(), "sha256"));
    }

    @Test
    void existingPairIsReusedUntouched() throws Exception {
        Tools.assumeTool("ssh-keygen", "SshKeyPair runs ssh-keygen");
        SshKeyPair first = SshKeyPair.generate(dir, "dev");
        FileTime old = FileTime.from(Instant.parse("2020-01-01T00:00:00Z"));
        Files.setLastModifiedTime(first.privateKeyFile(), old);
        Files.setLastModifiedTime(first.publicKeyFile(), old);
        String privText = Tools.read(first.privateKeyFile());

        SshKeyPair second = SshKeyPair.generate(dir, "dev");
        assertThat(second).isEqualTo(first);
        assertThat(Tools.read(second.privateKeyFile())).isEqualTo(privText);
        assertThat(Files.getLastModifiedTime(second.privateKeyFile())).isEqualTo(old);
        assertThat(Files.getLastModifiedTime(second.publicKeyFile())).isEqualTo(old);
    }

    @Test
    void missingPublicHalfIsDerivedFromThePrivateKey() throws Exception {
        Tools.assumeTool("ssh-keygen", "SshKeyPair runs ssh-keygen");
        SshKeyPair first = SshKeyPair.generate(dir, "dev");
        Files.delete(first.publicKeyFile());
        SshKeyPair again = SshKeyPair.generate(dir, "dev");
        assertThat(again.publicKey()).isEqualTo(first.publicKey());
        assertThat(again.publicKey().md5Fingerprint()).isEqualTo(first.publicKey().md5Fingerprint());
    }

    @Test
    void publicHalfWithoutPrivateKeyIsAnError() {
        Tools.write(dir.resolve("orphan.pub"), "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl x\n");
        assertThatThrownBy(() -> SshKeyPair.generate(dir, "orphan"))
                .isInstanceOf(GantryException.class)
                .hasMessageContaining("without its private key");
        assertThat(dir.resolve("orphan")).doesNotExist();
    }

    @Test
    void nameMustBeAPlainFileName() {
        assertThatThrownBy(() -> SshKeyPair.generate(dir, "../escape")).isInstanceOf(GantryException.class);
        assertThatThrownBy(() -> SshKeyPair.generate(dir, "")).isInstanceOf(GantryException.class);
    }
}
