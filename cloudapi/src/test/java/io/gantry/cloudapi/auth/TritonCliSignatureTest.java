package io.gantry.cloudapi.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end against the very libraries the triton CLI 7.17.0 signs with (smartdc-auth 2.6 /
 * http-signature 1.4 / sshpk 1.18): node signs a request exactly as {@code CloudApi._getAuthHeaders}
 * does ({@code createRequestSigner}, {@code writeTarget}, {@code writeDateHeader}, {@code sign}), and
 * the resulting Authorization header must parse and verify here.
 *
 * <p>Runs where the CLI's node_modules can be found: {@code $TRITON_NODE_MODULES}, a global
 * {@code npm install -g triton}, or {@code /tmp/tritoncli/node_modules}; skips otherwise.
 */
class TritonCliSignatureTest {
    private static final String SCRIPT = String.join("\n",
            "const sshpk = require('sshpk');",
            "const KeyPair = require('smartdc-auth/lib/keypair').KeyPair;",
            "const fs = require('fs');",
            "const [method, path, ...files] = process.argv.slice(1);",
            "const lines = [];",
            "let pending = files.length;",
            "for (const f of files) {",
            "  const kp = KeyPair.fromPrivateKey(sshpk.parsePrivateKey(fs.readFileSync(f), 'auto'));",
            "  const rs = kp.createRequestSigner({user: 'acct', subuser: f.endsWith('-sub') ? 'bob' : undefined});",
            "  rs.writeTarget(method, path);",
            "  const date = rs.writeDateHeader();",
            "  rs.sign((err, authz) => {",
            "    if (err) { console.error(err); process.exit(2); }",
            "    lines.push([f, date, authz].join('\\t'));",
            "    if (--pending === 0) process.stdout.write(lines.join('\\n') + '\\n');",
            "  });",
            "}");

    @TempDir
    Path dir;

    static Path tritonNodeModules() {
        List<Path> candidates = new ArrayList<>();
        String env = System.getenv("TRITON_NODE_MODULES");
        if (env != null && !env.isBlank()) {
            candidates.add(Path.of(env));
        }
        Stream.of("/usr/lib/node_modules/triton/node_modules", "/usr/local/lib/node_modules/triton/node_modules",
                "/usr/lib/node_modules", "/usr/local/lib/node_modules", "/tmp/tritoncli/node_modules")
                .map(Path::of).forEach(candidates::add);
        return candidates.stream()
                .filter(p -> Files.isRegularFile(p.resolve("smartdc-auth/lib/keypair.js"))
                        && Files.isRegularFile(p.resolve("sshpk/package.json")))
                .findFirst().orElse(null);
    }

    @Test
    void requestsSignedByTritonCliLibrariesVerify() throws Exception {
        Tools.assumeTool("node", "this test runs the triton CLI's own signing libraries");
        Tools.assumeTool("ssh-keygen", "keys are generated with ssh-keygen as a CLI user would");
        Path modules = tritonNodeModules();
        assumeTrue(modules != null, "the triton CLI's node_modules (smartdc-auth, sshpk) were not found; set "
                + "TRITON_NODE_MODULES or `npm install -g triton@7.17.0` to run this test");

        // Keys as a CLI user has them in ~/.ssh: ssh-keygen's default OpenSSH format, plus RSA PEM.
        // No P-384 key: http-signature 1.4.0 only knows sha1/sha256/sha512, so the CLI itself fails
        // to sign with one ("InvalidAlgorithmError: SHA384 is not a supported hash algorithm").
        List<Path> keys = List.of(
                Tools.sshKeygen(dir, "rsa", "-t", "rsa", "-b", "2048"),
                Tools.sshKeygen(dir, "rsa-pem-sub", "-t", "rsa", "-b", "2048", "-m", "PEM"),
                Tools.sshKeygen(dir, "ecdsa256-sub", "-t", "ecdsa", "-b", "256"),
                Tools.sshKeygen(dir, "ecdsa521", "-t", "ecdsa", "-b", "521"),
                Tools.sshKeygen(dir, "ed25519", "-t", "ed25519"));
        String path = "/acct/machines?limit=2&state=running";
        List<String> cmd = new ArrayList<>(List.of("node", "-e", SCRIPT, "GET", path));
        keys.forEach(k -> cmd.add(k.toString()));
        String out = new String(Tools.run(Map.of("NODE_PATH", modules.toString()), null, cmd.toArray(String[]::new)),
                StandardCharsets.UTF_8);

        int verified = 0;
        for (String line : out.strip().split("\n")) {
            String[] f = line.split("\t");
            Path file = Path.of(f[0]);
            String date = f[1];
            String authorization = f[2];
            SshPublicKey key = SshPublicKey.parse(Tools.read(Path.of(file + ".pub")));

            SignatureHeader h = SignatureHeader.parse(authorization);
            assertThat(h.headers()).containsExactly("(request-target)", "date");
            assertThat(h.keyId().account()).isEqualTo("acct");
            assertThat(h.keyId().user()).isEqualTo(file.toString().endsWith("-sub") ? "bob" : null);
            assertThat(h.keyId().fingerprint()).as("the CLI sends the bare MD5 fingerprint")
                    .isEqualTo(key.md5Fingerprint());
            assertThat(key.matches(h.keyId().fingerprint())).isTrue();
            assertThat(h.algorithm()).isEqualTo(switch (key.type()) {
                case "ssh-rsa" -> "rsa-sha256";
                case "ecdsa-sha2-nistp256" -> "ecdsa-sha256";
                case "ecdsa-sha2-nistp521" -> "ecdsa-sha512";
                default -> "ed25519-sha512";
            });
            if (key.family() == SignatureAlgorithm.Family.ECDSA) {
                assertThat(h.signature()[0]).as("sshpk sends ECDSA signatures as ASN.1 DER").isEqualTo((byte) 0x30);
            }
            if (key.family() == SignatureAlgorithm.Family.ED25519) {
                assertThat(h.signature()).as("sshpk sends Ed25519 signatures raw").hasSize(64);
            }

            Clock atSigning = Clock.fixed(
                    ZonedDateTime.parse(date, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant(), ZoneOffset.UTC);
            SignatureVerifier verifier = new SignatureVerifier(atSigning, Duration.ofSeconds(300));
            verifier.checkDate(date);
            String signingString = h.signingString("GET", path, Map.of("date", date)::get);
            assertThatCode(() -> verifier.verify(h, signingString, key)).as(key.type()).doesNotThrowAnyException();
            verified++;
        }
        assertThat(verified).isEqualTo(keys.size());
    }
}
