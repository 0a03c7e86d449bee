package io.gantry.cloudapi.fuzz;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.Signature;
import java.util.Base64;

/** Signs HTTP Signature strings with one key, named as Triton clients name it. */
public record Signer(String account, String fingerprint, String algorithm, String jcaAlgorithm, KeyPair pair) {
    public String keyId() {
        return "/" + account + "/keys/" + fingerprint;
    }

    public String sign(String signingString) {
        try {
            Signature s = Signature.getInstance(jcaAlgorithm);
            s.initSign(pair.getPrivate());
            s.update(signingString.getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(s.sign());
        } catch (Exception e) {
            throw new IllegalStateException("cannot sign with " + jcaAlgorithm + ": " + e, e);
        }
    }

    /** The Authorization value over {@code headers} ("date" or "(request-target) date"). */
    public String authorization(String method, String target, String date, boolean requestTarget) {
        String signing = (requestTarget ? "(request-target): " + method.toLowerCase(java.util.Locale.ROOT) + " " + target + "\n" : "")
                + "date: " + date;
        return "Signature keyId=\"" + keyId() + "\",algorithm=\"" + algorithm + "\",headers=\""
                + (requestTarget ? "(request-target) date" : "date") + "\",signature=\"" + sign(signing) + "\"";
    }

    /** The same key claimed under another account or fingerprint. */
    public Signer claiming(String otherAccount, String otherFingerprint) {
        return new Signer(otherAccount, otherFingerprint, algorithm, jcaAlgorithm, pair);
    }
}
