package io.gantry.cloudapi.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gantry.common.ErrorCode;
import io.gantry.common.GantryException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What the signer writes, the verifier accepts: keys made by ssh-keygen, in its PEM and OpenSSH forms. */
class RequestSignerTest {
    private static final ZonedDateTime NOW = ZonedDateTime.of(2026, 3, 1, 12, 0, 0, 0, ZoneOffset.UTC);
    private static final SignatureVerifier VERIFIER = new SignatureVerifier(Clock.fixed(NOW.toInstant(), ZoneOffset.UTC), Duration.ofMinutes(5));

    @ParameterizedTest
    @CsvSource({"rsa,2048,PEM,rsa-sha256", "rsa,3072,RFC4716,rsa-sha256", "ecdsa,256,PEM,ecdsa-sha256", "ecdsa,384,RFC4716,ecdsa-sha384",
            "ed25519,256,RFC4716,ed25519-sha512"})
    void aSignedRequestVerifiesWithTheRegisteredPublicKey(String type, int bits, String format, String algorithm, @TempDir Path dir) {
        Tools.assumeTool("ssh-keygen", "keys are generated with ssh-keygen");
        Path key = dir.resolve("id");
        Tools.run(Map.of(), null, "ssh-keygen", "-q", "-t", type, "-b", Integer.toString(bits), "-m", format, "-N", "", "-C", "op",
                "-f", key.toString());
        SshPublicKey registered = SshPublicKey.parse(read(dir.resolve("id.pub")));

        RequestSigner signer = RequestSigner.load("admin", key);
        Map<String, String> headers = signer.headers("PUT", "/ops/accounts/fay/limits/count?x=1", NOW);

        assertThat(headers.get("Date")).isEqualTo("Sun, 1 Mar 2026 12:00:00 GMT");
        SignatureHeader header = SignatureHeader.parse(headers.get("Authorization"));
        assertThat(header.keyId().account()).isEqualTo("admin");
        assertThat(header.keyId().fingerprint()).isEqualTo(registered.md5Fingerprint());
        assertThat(header.algorithm()).isEqualTo(algorithm);
        String signed = header.signingString("PUT", "/ops/accounts/fay/limits/count?x=1", name -> name.equals("date") ? headers.get("Date") : null);
        VERIFIER.verify(header, signed, registered);

        String otherPath = header.signingString("PUT", "/ops/accounts/gus/limits/count?x=1", name -> headers.get("Date"));
        assertThatThrownBy(() -> VERIFIER.verify(header, otherPath, registered)).as("the signature covers the request target")
                .isInstanceOfSatisfying(GantryException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.InvalidSignature));
    }

    @Test
    void aKeyPairInMemorySignsAsItsFileWould() throws Exception {
        java.security.KeyPairGenerator gen = java.security.KeyPairGenerator.getInstance("EC");
        gen.initialize(256);
        java.security.KeyPair pair = gen.generateKeyPair();
        SshPublicKey registered = SshPublicKey.parse(org.apache.sshd.common.config.keys.PublicKeyEntry.toString(pair.getPublic()));
        Map<String, String> headers = RequestSigner.of("ann", pair).headers("GET", "/my/machines", NOW);
        SignatureHeader header = SignatureHeader.parse(headers.get("Authorization"));
        assertThat(header.keyId().fingerprint()).isEqualTo(registered.md5Fingerprint());
        assertThat(header.algorithm()).isEqualTo("ecdsa-sha256");
        VERIFIER.verify(header, header.signingString("GET", "/my/machines", name -> headers.get("Date")), registered);
    }

    @Test
    void aMissingOrUnreadableKeyFileIsInvalidArgumentNamingTheFile(@TempDir Path dir) throws Exception {
        Path missing = dir.resolve("nope");
        assertThatThrownBy(() -> RequestSigner.load("admin", missing))
                .isInstanceOfSatisfying(GantryException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.InvalidArgument))
                .hasMessageContaining(missing + " does not exist");
        Path garbage = Files.writeString(dir.resolve("garbage"), "not a key\n");
        assertThatThrownBy(() -> RequestSigner.load("admin", garbage))
                .isInstanceOfSatisfying(GantryException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.InvalidArgument))
                .hasMessageContaining(garbage.toString());
    }

    private static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
