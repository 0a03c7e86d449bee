package io.gantry.cloudapi.auth;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** The HTTP Signature algorithms accepted, as named on the wire by http-signature/sshpk. */
public enum SignatureAlgorithm {
    RSA_SHA1("rsa-sha1", Family.RSA, "SHA1withRSA"),
    RSA_SHA256("rsa-sha256", Family.RSA, "SHA256withRSA"),
    RSA_SHA512("rsa-sha512", Family.RSA, "SHA512withRSA"),
    ECDSA_SHA256("ecdsa-sha256", Family.ECDSA, "SHA256withECDSA"),
    ECDSA_SHA384("ecdsa-sha384", Family.ECDSA, "SHA384withECDSA"),
    ECDSA_SHA512("ecdsa-sha512", Family.ECDSA, "SHA512withECDSA"),
    ED25519_SHA512("ed25519-sha512", Family.ED25519, null);

    /** Key families; an algorithm only verifies with a key of its own family. */
    public enum Family {
        RSA, ECDSA, ED25519
    }

    private final String wireName;
    private final Family family;
    private final String jcaName;

    SignatureAlgorithm(String wireName, Family family, String jcaName) {
        this.wireName = wireName;
        this.family = family;
        this.jcaName = jcaName;
    }

    /** The name as sent in {@code algorithm="…"}, lower case. */
    public String wireName() {
        return wireName;
    }

    public Family family() {
        return family;
    }

    /** The {@link java.security.Signature} algorithm name; null for Ed25519 (verified with EdDSAEngine). */
    String jcaName() {
        return jcaName;
    }

    /** Looks a wire name up case-insensitively. */
    public static Optional<SignatureAlgorithm> fromWireName(String name) {
        if (name == null) {
            return Optional.empty();
        }
        String lower = name.strip().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(a -> a.wireName.equals(lower)).findFirst();
    }

    /** "rsa-sha1, rsa-sha256, …" for error messages. */
    public static String supportedNames() {
        return Arrays.stream(values()).map(SignatureAlgorithm::wireName).collect(Collectors.joining(", "));
    }
}
