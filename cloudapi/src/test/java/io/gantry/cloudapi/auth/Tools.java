package io.gantry.cloudapi.auth;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs the external tools the tests use to make keys and signatures independently of the verifier. */
final class Tools {
    private Tools() {
    }

    static boolean onPath(String tool) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    static void assumeTool(String tool, String why) {
        assumeTrue(onPath(tool), tool + " is not installed (not on PATH); skipping: " + why);
    }

    /** Runs a command; returns stdout; fails the test on a non-zero exit. */
    static byte[] run(Map<String, String> env, byte[] stdin, String... command) {
        try {
            ProcessBuilder pb = new ProcessBuilder(command);
            pb.environment().putAll(env);
            Process p = pb.start();
            CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()));
            CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
            try (var in = p.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin);
                }
            }
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("timed out: " + String.join(" ", command));
            }
            if (p.exitValue() != 0) {
                throw new AssertionError("exit " + p.exitValue() + " from " + String.join(" ", command) + ": "
                        + new String(err.join(), StandardCharsets.UTF_8));
            }
            return out.join();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    static byte[] run(String... command) {
        return run(Map.of(), null, command);
    }

    static String runText(String... command) {
        return new String(run(command), StandardCharsets.UTF_8);
    }

    private static byte[] readAll(InputStream in) {
        try (in) {
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            in.transferTo(buf);
            return buf.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code ssh-keygen -q -N '' -f dir/name} plus the given type options; returns the private key path. */
    static Path sshKeygen(Path dir, String name, String... typeOptions) {
        Path key = dir.resolve(name);
        List<String> cmd = new ArrayList<>(List.of("ssh-keygen", "-q", "-N", "", "-C", name + "@test"));
        cmd.addAll(List.of(typeOptions));
        cmd.addAll(List.of("-f", key.toString()));
        run(cmd.toArray(String[]::new));
        return key;
    }

    /** The fingerprint {@code ssh-keygen -l -E <hash> -f pub} prints (second field). */
    static String sshKeygenFingerprint(Path pub, String hash) {
        String line = runText("ssh-keygen", "-l", "-E", hash, "-f", pub.toString()).strip();
        return line.split("\\s+")[1];
    }

    /** {@code openssl dgst -<hash> -sign key.pem} over {@code data}: PKCS#1 for RSA, DER for ECDSA. */
    static byte[] opensslSign(Path pem, String hash, String data) {
        return run(Map.of(), data.getBytes(StandardCharsets.UTF_8), "openssl", "dgst", "-" + hash, "-sign",
                pem.toString());
    }

    /** An Ed25519 key made by {@code openssl genpkey}; returns the PKCS#8 PEM path. */
    static Path opensslEd25519(Path dir, String name) {
        Path pem = dir.resolve(name + ".pem");
        run("openssl", "genpkey", "-algorithm", "ed25519", "-out", pem.toString());
        return pem;
    }

    /** {@code openssl pkeyutl -sign -rawin} with an Ed25519 PEM key: the raw 64-byte signature. */
    static byte[] opensslEd25519Sign(Path pem, Path scratch, String data) {
        try {
            Path msg = Files.createTempFile(scratch, "msg", ".txt");
            Files.writeString(msg, data, StandardCharsets.UTF_8);
            return run("openssl", "pkeyutl", "-sign", "-rawin", "-inkey", pem.toString(), "-in", msg.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The OpenSSH public key line for an OpenSSL Ed25519 key: the SSH wire blob
     * {@code string("ssh-ed25519") string(32-byte key)} built here from the SPKI DER's last 32 bytes.
     */
    static String opensslEd25519OpenSshText(Path pem, String comment) {
        byte[] spki = run("openssl", "pkey", "-in", pem.toString(), "-pubout", "-outform", "DER");
        byte[] raw = java.util.Arrays.copyOfRange(spki, spki.length - 32, spki.length);
        ByteArrayOutputStream blob = new ByteArrayOutputStream();
        writeSshString(blob, "ssh-ed25519".getBytes(StandardCharsets.US_ASCII));
        writeSshString(blob, raw);
        return "ssh-ed25519 " + Base64.getEncoder().encodeToString(blob.toByteArray()) + " " + comment;
    }

    private static void writeSshString(ByteArrayOutputStream out, byte[] b) {
        out.write(b.length >>> 24);
        out.write(b.length >>> 16);
        out.write(b.length >>> 8);
        out.write(b.length);
        out.writeBytes(b);
    }

    static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path write(Path p, String text) {
        try {
            return Files.writeString(p, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
