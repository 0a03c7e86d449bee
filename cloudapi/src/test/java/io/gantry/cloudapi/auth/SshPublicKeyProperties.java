package io.gantry.cloudapi.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.gantry.common.ErrorCode;
import io.gantry.common.GantryException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.apache.sshd.common.config.keys.PublicKeyEntry;

/** OpenSSH public key lines: a key's text reads back as the same key; anything else is InvalidArgument, never an OOM. */
class SshPublicKeyProperties {
    /** One key of each supported type and size, made once (RSA key generation is slow). */
    private static final List<String> KEYS = keys();

    @Property
    void aKeyReadsBackAsItself(@ForAll("keyLines") String line, @ForAll("comments") String comment) {
        SshPublicKey key = SshPublicKey.parse(line + (comment.isEmpty() ? "" : " " + comment));
        SshPublicKey again = SshPublicKey.parse(key.text());
        assertThat(again).isEqualTo(key);
        assertThat(again.text()).isEqualTo(key.text());
        assertThat(again.comment()).isEqualTo(comment.strip());
        assertThat(again.md5Fingerprint()).isEqualTo(key.md5Fingerprint());
        assertThat(key.matches(key.sha256Fingerprint())).isTrue();
        assertThat(key.matches("MD5:" + key.md5Fingerprint().toUpperCase())).isTrue();
    }

    @Property
    void anyTextIsAKeyOrInvalidArgument(@ForAll("texts") String text) {
        Throwable thrown = catchThrowable(() -> SshPublicKey.parse(text));
        if (thrown != null) {
            assertThat(thrown).isInstanceOf(GantryException.class);
            assertThat(((GantryException) thrown).code()).isEqualTo(ErrorCode.InvalidArgument);
        }
    }

    private static List<String> keys() {
        try {
            List<String> out = new ArrayList<>();
            KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
            rsa.initialize(1024);
            out.add(line(rsa.generateKeyPair().getPublic()));
            for (String curve : new String[] {"secp256r1", "secp384r1", "secp521r1"}) {
                KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
                ec.initialize(new ECGenParameterSpec(curve));
                out.add(line(ec.generateKeyPair().getPublic()));
            }
            out.add(line(new net.i2p.crypto.eddsa.KeyPairGenerator().generateKeyPair().getPublic()));
            return out;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String line(PublicKey key) {
        return PublicKeyEntry.toString(key);
    }

    @Provide
    Arbitrary<String> keyLines() {
        return Arbitraries.of(KEYS);
    }

    @Provide
    Arbitrary<String> comments() {
        return Arbitraries.oneOf(Arbitraries.just(""), Arbitraries.strings().withCharRange('!', '~').ofMinLength(1).ofMaxLength(30),
                Arbitraries.strings().alpha().numeric().withChars("@. -").ofMinLength(1).ofMaxLength(30).map(c -> "x" + c + "x"));
    }

    /** The key blob with one uint32 length field (type, exponent, modulus, curve, point…) set to {@code length}. */
    private static String withLength(String keyLine, int field, int length) {
        String[] parts = keyLine.split(" ");
        byte[] blob = Base64.getDecoder().decode(parts[1]);
        ByteBuffer buf = ByteBuffer.wrap(blob);
        int at = 0;
        for (int i = 0; i < field && at + 4 <= blob.length; i++) {
            at += 4 + Math.max(0, Math.min(buf.getInt(at), blob.length));
        }
        if (at + 4 <= blob.length) {
            buf.putInt(at, length);
        }
        return parts[0] + " " + Base64.getEncoder().encodeToString(blob);
    }

    @Provide
    Arbitrary<String> texts() {
        Arbitrary<String> flipped = Combinators.combine(keyLines(), Arbitraries.integers().between(0, 2000), Arbitraries.bytes())
                .as((k, at, b) -> {
                    String[] parts = k.split(" ");
                    byte[] blob = Base64.getDecoder().decode(parts[1]);
                    blob[at % blob.length] = b;
                    return parts[0] + " " + Base64.getEncoder().encodeToString(blob);
                });
        Arbitrary<String> hugeLength = Combinators.combine(keyLines(), Arbitraries.integers().between(0, 4),
                Arbitraries.oneOf(Arbitraries.integers(), Arbitraries.of(Integer.MAX_VALUE, -1, 0x7ffffff0, 1 << 30)))
                .as(SshPublicKeyProperties::withLength);
        Arbitrary<String> truncated = Combinators.combine(keyLines(), Arbitraries.integers().between(0, 800))
                .as((k, n) -> k.substring(0, Math.min(k.length(), n)));
        Arbitrary<String> randomBlob = Combinators.combine(
                        Arbitraries.of("ssh-rsa", "ssh-ed25519", "ecdsa-sha2-nistp256", "ssh-dss", "x", "ssh-rsa-cert-v01@openssh.com"),
                        Arbitraries.bytes().array(byte[].class).ofMaxSize(300))
                .as((t, b) -> {
                    byte[] type = t.getBytes(StandardCharsets.US_ASCII);
                    ByteBuffer blob = ByteBuffer.allocate(4 + type.length + b.length).putInt(type.length).put(type).put(b);
                    return t + " " + Base64.getEncoder().encodeToString(blob.array());
                });
        return Arbitraries.oneOf(flipped, hugeLength, truncated, randomBlob,
                Arbitraries.strings().all().ofMaxLength(100),
                keyLines().map(k -> "command=\"x\" " + k), keyLines().map(k -> k + "\nssh-rsa AAAA"),
                keyLines().map(k -> k.replace(' ', '\t')), keyLines().map(k -> k.replace("ssh-", "SSH-")),
                Arbitraries.of("", " ", "ssh-rsa", "ssh-rsa ", "ssh-rsa AAAA", "ssh-rsa ====", "-----BEGIN OPENSSH PRIVATE KEY-----",
                        "ssh-rsa " + "A".repeat(200_000)));
    }
}
