package io.gantry.cloudapi.fuzz;

import io.gantry.testkit.HttpSigner;
import java.security.KeyPair;

/** Signs HTTP Signature strings with one key, named as Triton clients name it (the test kit's {@link HttpSigner}). */
public record Signer(String account, String fingerprint, String algorithm, String jcaAlgorithm, KeyPair pair) {
    public String keyId() {
        return signer().keyId();
    }

    /** The Authorization value over {@code headers} ("date" or "(request-target) date"). */
    public String authorization(String method, String target, String date, boolean requestTarget) {
        return signer().authorization(method, target, date, requestTarget);
    }

    /** The same key claimed under another account or fingerprint. */
    public Signer claiming(String otherAccount, String otherFingerprint) {
        return new Signer(otherAccount, otherFingerprint, algorithm, jcaAlgorithm, pair);
    }

    private HttpSigner signer() {
        return HttpSigner.of(account, fingerprint, pair, algorithm, jcaAlgorithm);
    }
}
