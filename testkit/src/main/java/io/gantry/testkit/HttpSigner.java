package io.gantry.testkit;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.Signature;
import java.util.Base64;
import java.util.Locale;
import java.util.function.UnaryOperator;

/**
 * Signs requests as Triton clients do (HTTP Signature, joyent's dialect): one key of one account,
 * named {@code /account/keys/fingerprint}, over the date header and optionally the request target.
 *
 * @param algorithm the name the Authorization header gives (e.g. {@code rsa-sha256})
 * @param sign the signature bytes over a signing string's bytes
 */
public record HttpSigner(String account, String fingerprint, String algorithm, UnaryOperator<byte[]> sign) {
    /** Signs with {@code key} by the JCA algorithm {@code jcaAlgorithm} (e.g. SHA256withECDSA), named {@code algorithm}. */
    public static HttpSigner of(String account, String fingerprint, KeyPair key, String algorithm, String jcaAlgorithm) {
        return new HttpSigner(account, fingerprint, algorithm, data -> {
            try {
                Signature s = Signature.getInstance(jcaAlgorithm);
                s.initSign(key.getPrivate());
                s.update(data);
                return s.sign();
            } catch (Exception e) {
                throw new IllegalStateException("cannot sign with " + jcaAlgorithm + ": " + e, e);
            }
        });
    }

    /** An RSA key signing rsa-sha256, as the triton CLI does by default. */
    public static HttpSigner rsa(String account, String fingerprint, KeyPair key) {
        return of(account, fingerprint, key, "rsa-sha256", "SHA256withRSA");
    }

    public String keyId() {
        return "/" + account + "/keys/" + fingerprint;
    }

    /** The Authorization value over "date", or over "(request-target) date" when {@code requestTarget}. */
    public String authorization(String method, String target, String date, boolean requestTarget) {
        String signing = (requestTarget ? "(request-target): " + method.toLowerCase(Locale.ROOT) + " " + target + "\n" : "")
                + "date: " + date;
        String signature = Base64.getEncoder().encodeToString(sign.apply(signing.getBytes(StandardCharsets.UTF_8)));
        return "Signature keyId=\"" + keyId() + "\",algorithm=\"" + algorithm + "\",headers=\""
                + (requestTarget ? "(request-target) date" : "date") + "\",signature=\"" + signature + "\"";
    }
}
