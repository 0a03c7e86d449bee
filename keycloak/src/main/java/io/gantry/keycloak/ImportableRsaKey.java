package io.gantry.keycloak;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;

/**
 * A fresh 2048-bit RSA key with a self-signed certificate, as the PEM texts
 * {@link DevRealm#withImportedRsaKey} takes: made with the {@code openssl} command (the JDK has no
 * public API that writes certificates). Tests import it into the realm and sign tokens with it.
 */
public record ImportableRsaKey(String privateKeyPem, String certificatePem) {

    /** A new key and certificate (valid 30 days), made by {@code openssl req -x509}. */
    public static ImportableRsaKey generate() throws IOException {
        Path dir = Files.createTempDirectory("gantry-rsa-");
        try {
            Path key = dir.resolve("key.pem");
            Path cert = dir.resolve("cert.pem");
            KeycloakDistribution.run(dir, dir.resolve("openssl.log"), "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                    "-sha256", "-days", "30", "-subj", "/CN=gantry-imported-realm-key", "-keyout", key.toString(), "-out", cert.toString());
            return new ImportableRsaKey(Files.readString(key, StandardCharsets.US_ASCII), Files.readString(cert, StandardCharsets.US_ASCII));
        } finally {
            KeycloakDistribution.deleteTree(dir);
        }
    }

    /** The private key (the PEM is PKCS#8, as {@code openssl req} writes it). */
    public RSAPrivateKey privateKey() {
        try {
            byte[] der = Base64.getMimeDecoder().decode(privateKeyPem.replaceAll("-----[A-Z ]+-----", ""));
            return (RSAPrivateKey) KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("not a PKCS#8 RSA private key: " + e.getMessage(), e);
        }
    }

    public RSAPublicKey publicKey() {
        try {
            X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(certificatePem.getBytes(StandardCharsets.US_ASCII)));
            return (RSAPublicKey) cert.getPublicKey();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("not an X.509 certificate: " + e.getMessage(), e);
        }
    }
}
