package io.gantry.tls;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.KeyCertOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.util.Collections;
import javax.net.ssl.X509ExtendedKeyManager;
import java.util.Set;

/**
 * A server's certificate (chain) and private key, as PEM files: what a role serves HTTPS with, TLS
 * 1.2 and 1.3 only. The files are read each time a key manager is made, so a reload sees their new
 * contents, and a pair that does not load is refused before any server uses it.
 */
public record TlsFiles(Path cert, Path key) {
    public static final Set<String> PROTOCOLS = Set.of("TLSv1.2", "TLSv1.3");

    public TlsFiles {
        if (cert == null || key == null) {
            throw new IllegalArgumentException("a TLS certificate needs both a certificate file and a key file");
        }
    }

    /**
     * The pair from the options a role was given: null when neither is set (plain HTTP); an
     * IllegalArgumentException with a one-line message when only one is, or a file is unreadable.
     */
    public static TlsFiles of(String cert, String key) {
        boolean hasCert = cert != null && !cert.isBlank();
        boolean hasKey = key != null && !key.isBlank();
        if (!hasCert && !hasKey) {
            return null;
        }
        if (hasCert != hasKey) {
            throw new IllegalArgumentException("--tls-cert and --tls-key go together: give both or neither");
        }
        TlsFiles files = new TlsFiles(Path.of(cert), Path.of(key));
        for (Path p : new Path[] {files.cert, files.key}) {
            if (!Files.isRegularFile(p) || !Files.isReadable(p)) {
                throw new IllegalArgumentException("cannot read TLS file " + p);
            }
        }
        return files;
    }

    /**
     * The files' current contents as a key manager, checked: the certificate and key parse and the
     * key signs what the certificate's public key verifies. IllegalArgumentException says why not.
     */
    public X509ExtendedKeyManager keyManager(Vertx vertx) {
        PemKeyCertOptions pem;
        try {
            pem = new PemKeyCertOptions()
                    .setCertValue(Buffer.buffer(Files.readAllBytes(cert)))
                    .setKeyValue(Buffer.buffer(Files.readAllBytes(key)));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read TLS file: " + e.getMessage(), e);
        }
        return checkPair(vertx, pem);
    }

    /**
     * {@code options} made to serve HTTPS with the files' current contents, through the returned key
     * manager: a {@link TlsReloader} swaps the pair it serves when the files change.
     */
    public LiveKeyManager serve(Vertx vertx, HttpServerOptions options) {
        LiveKeyManager live = new LiveKeyManager(keyManager(vertx));
        options.setSsl(true).setKeyCertOptions(KeyCertOptions.wrap(live)).getEnabledSecureTransportProtocols().clear();
        PROTOCOLS.forEach(options::addEnabledSecureTransportProtocol);
        return live;
    }

    private X509ExtendedKeyManager checkPair(Vertx vertx, PemKeyCertOptions pem) {
        try {
            KeyStore store = pem.loadKeyStore(vertx);
            X509ExtendedKeyManager keys = (X509ExtendedKeyManager) pem.getKeyManagerFactory(vertx).getKeyManagers()[0];
            for (String alias : Collections.list(store.aliases())) {
                PrivateKey privateKey = keys.getPrivateKey(alias);
                Certificate certificate = keys.getCertificateChain(alias)[0];
                byte[] probe = "gantry-tls-pair-check".getBytes();
                String algorithm = privateKey.getAlgorithm().equals("EC") ? "SHA256withECDSA"
                        : privateKey.getAlgorithm().equals("RSA") ? "SHA256withRSA" : privateKey.getAlgorithm();
                Signature signer = Signature.getInstance(algorithm);
                signer.initSign(privateKey);
                signer.update(probe);
                byte[] signature = signer.sign();
                Signature verifier = Signature.getInstance(algorithm);
                verifier.initVerify(certificate.getPublicKey());
                verifier.update(probe);
                if (!verifier.verify(signature)) {
                    throw new IllegalArgumentException("the key in " + key + " does not match the certificate in " + cert);
                }
            }
            return keys;
        } catch (IllegalArgumentException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalArgumentException("cannot load the TLS certificate " + cert + " and key " + key + ": " + e.getMessage(), e);
        }
    }
}
