package io.gantry.cloudapi.auth;

import io.gantry.common.ErrorCode;
import io.gantry.common.GantryException;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A dev key pair on disk, for seeding a tenant key: an RSA 2048 PEM private key (what the triton
 * CLI / smartdc-auth reads most reliably from ~/.ssh) and its OpenSSH {@code .pub}. This is the
 * one class in the package that does I/O (it runs {@code ssh-keygen}).
 *
 * @param privateKeyFile {@code <dir>/<name>}
 * @param publicKeyFile {@code <dir>/<name>.pub}
 * @param publicKey the parsed public half
 */
public record SshKeyPair(Path privateKeyFile, Path publicKeyFile, SshPublicKey publicKey) {
    private static final long TIMEOUT_SECONDS = 60;

    /**
     * Runs {@code ssh-keygen -t rsa -b 2048 -m PEM -N '' -C gantry-dev -f <dir>/<name>}, or reuses
     * the pair when both files already exist (neither is touched). A private key without its
     * {@code .pub} gets the {@code .pub} derived from it; a {@code .pub} without its private key is
     * an error rather than being overwritten.
     */
    public static SshKeyPair generate(Path dir, String name) {
        if (name == null || name.isEmpty() || name.contains("/") || name.equals(".") || name.equals("..")) {
            throw GantryException.invalid("key file name must be a plain file name, got \"" + name + "\"");
        }
        Path priv = dir.resolve(name);
        Path pub = dir.resolve(name + ".pub");
        try {
            boolean havePriv = Files.exists(priv);
            boolean havePub = Files.exists(pub);
            if (havePub && !havePriv) {
                throw GantryException.invalidState(pub + " exists without its private key " + priv
                        + "; remove it or choose another name");
            }
            if (havePriv && !havePub) {
                String derived = run(List.of("ssh-keygen", "-y", "-f", priv.toString())).strip();
                boolean hasComment = derived.split("\\s+", 3).length == 3;
                Files.writeString(pub, derived + (hasComment ? "\n" : " gantry-dev\n"), StandardCharsets.UTF_8);
            } else if (!havePriv) {
                Files.createDirectories(dir);
                run(List.of("ssh-keygen", "-q", "-t", "rsa", "-b", "2048", "-m", "PEM", "-N", "", "-C", "gantry-dev",
                        "-f", priv.toString()));
            }
            return new SshKeyPair(priv, pub, SshPublicKey.parse(Files.readString(pub, StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create SSH key pair " + priv + ": " + e.getMessage(), e);
        }
    }

    private static String run(List<String> command) throws IOException {
        Path out = Files.createTempFile("gantry-ssh-keygen", ".out");
        try {
            Process p;
            try {
                p = new ProcessBuilder(command)
                        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                        .redirectErrorStream(true)
                        .redirectOutput(out.toFile())
                        .start();
            } catch (IOException e) {
                throw new GantryException(ErrorCode.InternalError,
                        "cannot run ssh-keygen (is OpenSSH installed and on PATH?): " + e.getMessage(), e);
            }
            boolean done;
            try {
                done = p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new GantryException(ErrorCode.InternalError, "interrupted while running ssh-keygen", e);
            }
            String output = Files.readString(out, StandardCharsets.UTF_8);
            if (!done) {
                p.destroyForcibly();
                throw GantryException.internal("ssh-keygen did not finish in " + TIMEOUT_SECONDS + " s: "
                        + String.join(" ", command));
            }
            if (p.exitValue() != 0) {
                throw GantryException.internal("ssh-keygen failed (exit " + p.exitValue() + "): "
                        + String.join(" ", command) + ": " + output.strip());
            }
            return output;
        } finally {
            Files.deleteIfExists(out);
        }
    }
}
