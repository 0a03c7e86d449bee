package io.gantry.tls;

import java.io.IOException;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;

/**
 * The client side of HTTPS to a Gantry role whose certificate comes from a private CA: trusts the certificates of
 * one PEM file (a CA, or a bundle of them) and nothing else, over TLS 1.2 and 1.3. JDK only, so a role's HTTP client
 * ({@code java.net.http}) can use it without Vert.x.
 */
public final class CaTrust {
    private final Path file;
    private final SSLContext context;

    private CaTrust(Path file, SSLContext context) {
        this.file = file;
        this.context = context;
    }

    /**
     * The CA certificates of {@code pem}; IllegalArgumentException with a one-line message when the file is missing,
     * unreadable or holds no certificate.
     */
    public static CaTrust of(Path pem) {
        byte[] text;
        try {
            text = Files.readAllBytes(pem);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("CA file " + pem + " does not exist");
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read CA file " + pem + ": " + oneLine(e));
        }
        Collection<? extends Certificate> certificates;
        try {
            certificates = CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(text));
        } catch (CertificateException e) {
            throw new IllegalArgumentException("CA file " + pem + " is not a PEM certificate: " + oneLine(e));
        }
        if (certificates.isEmpty()) {
            throw new IllegalArgumentException("CA file " + pem + " holds no PEM certificate");
        }
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int i = 0;
            for (Certificate c : certificates) {
                store.setCertificateEntry("ca-" + i++, c);
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return new CaTrust(pem, context);
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("cannot trust the certificates of CA file " + pem + ": " + oneLine(e));
        }
    }

    /** The file the trusted certificates came from. */
    public Path file() {
        return file;
    }

    /** An SSL context that trusts this file's certificates only. */
    public SSLContext context() {
        return context;
    }

    /** TLS 1.2 and 1.3 only (as the servers), hostname checked. */
    public static SSLParameters parameters() {
        SSLParameters p = new SSLParameters();
        p.setProtocols(TlsFiles.PROTOCOLS.stream().sorted().toArray(String[]::new));
        p.setEndpointIdentificationAlgorithm("HTTPS");
        return p;
    }

    /** True if {@code failure} (or one of its causes) is a failed TLS handshake, e.g. a certificate no trusted CA signed. */
    public static boolean isHandshakeFailure(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SSLHandshakeException) {
                return true;
            }
        }
        return false;
    }

    private static String oneLine(Exception e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return m.replaceAll("\\s+", " ").strip();
    }
}
