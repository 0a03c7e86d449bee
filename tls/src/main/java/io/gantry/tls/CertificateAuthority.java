package io.gantry.tls;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A small certificate authority in a directory ({@code ca.pem}, {@code ca.key}), made with the
 * {@code openssl} command, that issues server certificates for loopback: what {@code gantry dev
 * --tls} and the TLS tests serve with, so clients can trust one CA file instead of turning checks off.
 */
public final class CertificateAuthority {
    private static final SecureRandom RANDOM = new SecureRandom();
    private final Path dir;

    private CertificateAuthority(Path dir) {
        this.dir = dir;
    }

    /** The CA in {@code dir}, made there first if it is not yet. */
    public static CertificateAuthority in(Path dir) {
        CertificateAuthority ca = new CertificateAuthority(dir);
        if (!Files.isRegularFile(ca.certificate()) || !Files.isRegularFile(ca.key())) {
            try {
                Files.createDirectories(dir);
            } catch (IOException e) {
                throw new IllegalStateException("cannot make " + dir + ": " + e.getMessage(), e);
            }
            openssl(dir, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-sha256", "-days", "3650",
                    "-subj", "/CN=Gantry dev CA " + Long.toHexString(RANDOM.nextLong()),
                    "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
                    "-keyout", ca.key().toString(), "-out", ca.certificate().toString());
        }
        return ca;
    }

    /** The CA's certificate: the file clients trust. */
    public Path certificate() {
        return dir.resolve("ca.pem");
    }

    private Path key() {
        return dir.resolve("ca.key");
    }

    /**
     * Issues a new server certificate (a fresh key and a random serial) for 127.0.0.1, ::1 and
     * localhost, written to {@code cert} and {@code key}; valid for {@code days}.
     */
    public TlsFiles issue(Path cert, Path key, int days) {
        Path csr = dir.resolve("server-" + Long.toHexString(RANDOM.nextLong()) + ".csr");
        Path ext = dir.resolve("server-" + Long.toHexString(RANDOM.nextLong()) + ".ext");
        try {
            Files.writeString(ext, "subjectAltName=IP:127.0.0.1,IP:::1,DNS:localhost\n"
                    + "extendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n", StandardCharsets.US_ASCII);
            openssl(dir, "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost", "-keyout", key.toString(),
                    "-out", csr.toString());
            openssl(dir, "x509", "-req", "-sha256", "-in", csr.toString(), "-CA", certificate().toString(), "-CAkey", key().toString(),
                    "-set_serial", "0x" + Long.toHexString(RANDOM.nextLong() & Long.MAX_VALUE), "-days", Integer.toString(days),
                    "-extfile", ext.toString(), "-out", cert.toString());
            return new TlsFiles(cert, key);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write " + ext + ": " + e.getMessage(), e);
        } finally {
            try {
                Files.deleteIfExists(csr);
                Files.deleteIfExists(ext);
            } catch (IOException ignored) {
                // a leftover request file in the CA's directory harms nothing
            }
        }
    }

    /** True if {@code cert} is a PEM certificate still valid {@code margin} from now. */
    public static boolean validFor(Path cert, Duration margin) {
        if (!Files.isRegularFile(cert)) {
            return false;
        }
        try (InputStream in = Files.newInputStream(cert)) {
            X509Certificate x509 = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
            x509.checkValidity(Date.from(Instant.now().plus(margin)));
            return true;
        } catch (IOException | GeneralSecurityException e) {
            return false;
        }
    }

    private static void openssl(Path dir, String... args) {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
            byte[] output = p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("openssl " + args[0] + " did not finish in 60 s");
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException("openssl " + args[0] + " failed: " + new String(output, StandardCharsets.UTF_8).strip());
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run openssl (is it installed?): " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running openssl", e);
        }
    }
}
