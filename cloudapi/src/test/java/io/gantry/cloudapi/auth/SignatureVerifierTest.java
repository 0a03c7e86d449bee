package io.gantry.cloudapi.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gantry.common.ErrorCode;
import io.gantry.common.GantryException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Signatures here are made by openssl (and node for the raw ECDSA form) from keys made by
 * ssh-keygen -m PEM or openssl genpkey, never by the code under test.
 */
class SignatureVerifierTest {
    private static final String DATE = "Wed, 25 Nov 2026 10:21:18 GMT";
    private static final Instant NOW = Instant.parse("2026-11-25T10:21:18Z");
    private static final String OTHER_DATE = "Wed, 25 Nov 2026 10:21:19 GMT";

    @TempDir
    static Path dir;

    /** name -> PEM private key; name + ".pub" -> OpenSSH public text. */
    private static final Map<String, Path> PEM = new HashMap<>();
    private static final Map<String, SshPublicKey> PUB = new HashMap<>();

    private final SignatureVerifier verifier =
            new SignatureVerifier(Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofSeconds(300));

    @BeforeAll
    static void generateKeys() {
        if (Tools.onPath("ssh-keygen")) {
            sshKeygenPem("rsa", "-t", "rsa", "-b", "2048");
            sshKeygenPem("ecdsa256", "-t", "ecdsa", "-b", "256");
            sshKeygenPem("ecdsa384", "-t", "ecdsa", "-b", "384");
            sshKeygenPem("ecdsa521", "-t", "ecdsa", "-b", "521");
        }
        if (Tools.onPath("openssl")) {
            Path pem = Tools.opensslEd25519(dir, "ed25519");
            PEM.put("ed25519", pem);
            PUB.put("ed25519", SshPublicKey.parse(Tools.opensslEd25519OpenSshText(pem, "ed@test")));
        }
    }

    private static void sshKeygenPem(String name, String... type) {
        String[] opts = new String[type.length + 2];
        System.arraycopy(type, 0, opts, 0, type.length);
        opts[type.length] = "-m";
        opts[type.length + 1] = "PEM";
        Path key = Tools.sshKeygen(dir, name, opts);
        PEM.put(name, key);
        PUB.put(name, SshPublicKey.parse(Tools.read(Path.of(key + ".pub"))));
    }

    private static void assumeKeys() {
        Tools.assumeTool("ssh-keygen", "RSA/ECDSA test keys are generated with ssh-keygen -m PEM");
        Tools.assumeTool("openssl", "test signatures are made with openssl, independently of the verifier");
    }

    private static String signingString(String date) {
        return "date: " + date;
    }

    private static SignatureHeader header(String fingerprint, String algorithm, String headers, byte[] sig) {
        return SignatureHeader.parse("Signature keyId=\"/acct/keys/" + fingerprint + "\",algorithm=\"" + algorithm
                + "\",headers=\"" + headers + "\",signature=\"" + Base64.getEncoder().encodeToString(sig) + "\"");
    }

    /** openssl-signs "date: DATE" with the named key and returns the parsed header as the CLI would send it. */
    private static SignatureHeader opensslSigned(String key, String algorithm, String hash) {
        byte[] sig = Tools.opensslSign(PEM.get(key), hash, signingString(DATE));
        return header(PUB.get(key).md5Fingerprint(), algorithm, "date", sig);
    }

    @Test
    void rsaSha256SignatureFromOpensslVerifies() {
        assumeKeys();
        SignatureHeader h = opensslSigned("rsa", "rsa-sha256", "sha256");
        String signed = h.signingString("GET", "/acct/machines", Map.of("date", DATE)::get);
        assertThatCode(() -> verifier.verify(h, signed, PUB.get("rsa"))).doesNotThrowAnyException();
    }

    @ParameterizedTest
    @CsvSource({"rsa-sha1, sha1", "rsa-sha512, sha512"})
    void rsaSha1AndSha512SignaturesFromOpensslVerify(String algorithm, String hash) {
        assumeKeys();
        SignatureHeader h = opensslSigned("rsa", algorithm, hash);
        assertThatCode(() -> verifier.verify(h, signingString(DATE), PUB.get("rsa"))).doesNotThrowAnyException();
    }

    @Test
    void rsaSignatureWithTheWrongHashIsRejected() {
        assumeKeys();
        SignatureHeader h = opensslSigned("rsa", "rsa-sha512", "sha256");
        assertInvalidSignature(() -> verifier.verify(h, signingString(DATE), PUB.get("rsa")), "does not match");
    }

    @ParameterizedTest
    @CsvSource({
        "ecdsa256, ecdsa-sha256, sha256",
        "ecdsa384, ecdsa-sha384, sha384",
        "ecdsa521, ecdsa-sha512, sha512",
        "ecdsa256, ecdsa-sha512, sha512",
    })
    void ecdsaDerSignaturesFromOpensslVerify(String key, String algorithm, String hash) {
        assumeKeys();
        SignatureHeader h = opensslSigned(key, algorithm, hash);
        assertThat(h.signature()[0]).as("openssl's ECDSA output is a DER SEQUENCE").isEqualTo((byte) 0x30);
        assertThatCode(() -> verifier.verify(h, signingString(DATE), PUB.get(key))).doesNotThrowAnyException();
    }

    @ParameterizedTest
    @CsvSource({"ecdsa256, ecdsa-sha256, sha256, 64", "ecdsa384, ecdsa-sha384, sha384, 96", "ecdsa521, ecdsa-sha512, sha512, 132"})
    void ecdsaRawRsSignaturesFromNodeVerify(String key, String algorithm, String hash, int rawLength) {
        assumeKeys();
        Tools.assumeTool("node", "the raw r||s ECDSA signature is made with node's crypto (dsaEncoding ieee-p1363)");
        byte[] sig = Base64.getDecoder().decode(Tools.run(Map.of(), signingString(DATE).getBytes(StandardCharsets.UTF_8),
                "node", "-e",
                "const c=require('crypto'),fs=require('fs');"
                        + "const data=fs.readFileSync(0);"
                        + "process.stdout.write(c.sign(process.argv[1],data,{key:fs.readFileSync(process.argv[2]),"
                        + "dsaEncoding:'ieee-p1363'}).toString('base64'))",
                hash, PEM.get(key).toString()));
        assertThat(sig).hasSize(rawLength);
        SignatureHeader h = header(PUB.get(key).md5Fingerprint(), algorithm, "date", sig);
        assertThatCode(() -> verifier.verify(h, signingString(DATE), PUB.get(key))).doesNotThrowAnyException();
        byte[] tampered = sig.clone();
        tampered[rawLength - 1] ^= 0x01;
        SignatureHeader bad = header(PUB.get(key).md5Fingerprint(), algorithm, "date", tampered);
        assertInvalidSignature(() -> verifier.verify(bad, signingString(DATE), PUB.get(key)), "does not match");
    }

    @Test
    void ed25519SignatureFromOpensslVerifies() {
        Tools.assumeTool("openssl", "the Ed25519 key and signature are made with openssl genpkey / pkeyutl -rawin");
        byte[] sig = Tools.opensslEd25519Sign(PEM.get("ed25519"), dir, signingString(DATE));
        assertThat(sig).hasSize(64);
        SignatureHeader h = header(PUB.get("ed25519").md5Fingerprint(), "ed25519-sha512", "date", sig);
        assertThatCode(() -> verifier.verify(h, signingString(DATE), PUB.get("ed25519"))).doesNotThrowAnyException();
        assertInvalidSignature(() -> verifier.verify(h, signingString(OTHER_DATE), PUB.get("ed25519")), "does not match");
    }

    @Test
    void ed25519PublicTextBuiltForTheTestMatchesSshKeygen() {
        Tools.assumeTool("openssl", "the Ed25519 key is made with openssl genpkey");
        Tools.assumeTool("ssh-keygen", "fingerprints are checked against ssh-keygen -l");
        Path pub = Tools.write(dir.resolve("ed25519-openssl.pub"), PUB.get("ed25519").text() + "\n");
        assertThat(PUB.get("ed25519").sha256Fingerprint()).isEqualTo(Tools.sshKeygenFingerprint(pub, "sha256"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"rsa", "ecdsa256", "ed25519"})
    void signatureOverOtherDateIsRejected(String key) {
        assumeKeys();
        byte[] sig = key.equals("ed25519")
                ? Tools.opensslEd25519Sign(PEM.get(key), dir, signingString(OTHER_DATE))
                : Tools.opensslSign(PEM.get(key), "sha256", signingString(OTHER_DATE));
        String alg = switch (key) {
            case "rsa" -> "rsa-sha256";
            case "ecdsa256" -> "ecdsa-sha256";
            default -> "ed25519-sha512";
        };
        SignatureHeader h = header(PUB.get(key).md5Fingerprint(), alg, "date", sig);
        assertInvalidSignature(() -> verifier.verify(h, h.signingString("GET", "/", Map.of("date", DATE)::get),
                PUB.get(key)), "does not match");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 7, 31, -1})
    void tamperedSignatureBytesAreRejected(int index) {
        assumeKeys();
        for (String key : new String[] {"rsa", "ecdsa256", "ed25519"}) {
            byte[] sig = key.equals("ed25519")
                    ? Tools.opensslEd25519Sign(PEM.get(key), dir, signingString(DATE))
                    : Tools.opensslSign(PEM.get(key), "sha256", signingString(DATE));
            int i = index < 0 ? sig.length - 1 : index;
            sig[i] ^= 0x40;
            String alg = key.equals("rsa") ? "rsa-sha256" : key.equals("ecdsa256") ? "ecdsa-sha256" : "ed25519-sha512";
            SignatureHeader h = header(PUB.get(key).md5Fingerprint(), alg, "date", sig);
            assertInvalidSignature(() -> verifier.verify(h, signingString(DATE), PUB.get(key)), "does not match");
        }
    }

    @Test
    void truncatedOrPaddedSignaturesAreRejected() {
        assumeKeys();
        byte[] sig = Tools.opensslSign(PEM.get("ecdsa256"), "sha256", signingString(DATE));
        for (byte[] b : new byte[][] {java.util.Arrays.copyOf(sig, sig.length - 1), java.util.Arrays.copyOf(sig, sig.length + 1),
                new byte[] {1}}) {
            for (String key : new String[] {"rsa", "ecdsa256", "ed25519"}) {
                String alg = key.equals("rsa") ? "rsa-sha256" : key.equals("ecdsa256") ? "ecdsa-sha256" : "ed25519-sha512";
                SignatureHeader h = header(PUB.get(key).md5Fingerprint(), alg, "date", b);
                assertInvalidSignature(() -> verifier.verify(h, signingString(DATE), PUB.get(key)), "does not match");
            }
        }
    }

    @Test
    void signatureByAnotherKeyIsRejected() {
        assumeKeys();
        SignatureHeader byP384 = opensslSigned("ecdsa384", "ecdsa-sha256", "sha256");
        assertInvalidSignature(() -> verifier.verify(byP384, signingString(DATE), PUB.get("ecdsa256")), "does not match");
    }

    @Test
    void ecdsaKeyCannotVerifyRsaAlgorithm() {
        assumeKeys();
        SignatureHeader h = opensslSigned("ecdsa256", "rsa-sha256", "sha256");
        assertInvalidSignature(() -> verifier.verify(h, signingString(DATE), PUB.get("ecdsa256")),
                "rsa-sha256", "ecdsa-sha2-nistp256");
    }

    @Test
    void rsaKeyCannotVerifyEcdsaOrEd25519Algorithms() {
        assumeKeys();
        SignatureHeader rsaSigned = opensslSigned("rsa", "ecdsa-sha256", "sha256");
        assertInvalidSignature(() -> verifier.verify(rsaSigned, signingString(DATE), PUB.get("rsa")), "ecdsa-sha256", "ssh-rsa");
        SignatureHeader ed = opensslSigned("rsa", "ed25519-sha512", "sha512");
        assertInvalidSignature(() -> verifier.verify(ed, signingString(DATE), PUB.get("rsa")), "ed25519-sha512", "ssh-rsa");
    }

    @Test
    void ed25519KeyCannotVerifyEcdsaAlgorithm() {
        assumeKeys();
        byte[] sig = Tools.opensslEd25519Sign(PEM.get("ed25519"), dir, signingString(DATE));
        SignatureHeader h = header(PUB.get("ed25519").md5Fingerprint(), "ecdsa-sha512", "date", sig);
        assertInvalidSignature(() -> verifier.verify(h, signingString(DATE), PUB.get("ed25519")), "ssh-ed25519");
    }

    @Test
    void dateWithinSkewIsAccepted() {
        assertThatCode(() -> verifier.checkDate(DATE)).doesNotThrowAnyException();
        assertThatCode(() -> verifier.checkDate("Wed, 25 Nov 2026 10:16:18 GMT")).doesNotThrowAnyException(); // -300 s
        assertThatCode(() -> verifier.checkDate("Wed, 25 Nov 2026 10:26:18 GMT")).doesNotThrowAnyException(); // +300 s
        assertThatCode(() -> verifier.checkDate("Wed, 25 Nov 2026 11:21:18 +0100")).doesNotThrowAnyException();
        assertThatCode(() -> verifier.checkDate(" Wed, 25 Nov 2026 10:21:18 GMT ")).doesNotThrowAnyException();
    }

    @Test
    void dateOutsideSkewIsRejected() {
        assertInvalidHeader(() -> verifier.checkDate("Wed, 25 Nov 2026 10:16:17 GMT"), "clock skew of 301.000s", "300s");
        assertInvalidHeader(() -> verifier.checkDate("Wed, 25 Nov 2026 10:26:19 GMT"), "clock skew of 301.000s");
        assertInvalidHeader(() -> verifier.checkDate("Wed, 25 Nov 2026 09:21:18 GMT"), "clock skew of 3600.000s");
        SignatureVerifier strict = new SignatureVerifier(Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofSeconds(10));
        assertInvalidHeader(() -> strict.checkDate("Wed, 25 Nov 2026 10:21:30 GMT"), "clock skew of 12.000s", "10s");
    }

    @Test
    void missingOrUnparseableDateIsInvalidHeader() {
        assertInvalidHeader(() -> verifier.checkDate(null), "missing Date");
        assertInvalidHeader(() -> verifier.checkDate(""), "missing Date");
        assertInvalidHeader(() -> verifier.checkDate("2026-11-25T10:21:18Z"), "RFC 1123");
        assertInvalidHeader(() -> verifier.checkDate("yesterday"), "RFC 1123");
        assertInvalidHeader(() -> verifier.checkDate("Wed, 32 Nov 2026 10:21:18 GMT"), "RFC 1123");
    }

    private static void assertInvalidSignature(ThrowingCallable call, String... messageParts) {
        assertCode(call, ErrorCode.InvalidSignature, messageParts);
    }

    private static void assertInvalidHeader(ThrowingCallable call, String... messageParts) {
        assertCode(call, ErrorCode.InvalidHeader, messageParts);
    }

    private static void assertCode(ThrowingCallable call, ErrorCode code, String... messageParts) {
        assertThatThrownBy(call)
                .isInstanceOf(GantryException.class)
                .satisfies(e -> assertThat(((GantryException) e).code()).isEqualTo(code))
                .hasMessageContainingAll(messageParts);
    }
}
