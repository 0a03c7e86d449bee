package io.gantry.portal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/** Proof Key for Code Exchange (RFC 7636): a random verifier kept in the session and its S256 challenge sent to the provider. */
record Pkce(String verifier, String challenge) {
    static final String METHOD = "S256";
    private static final SecureRandom RANDOM = new SecureRandom();

    static Pkce generate() {
        String verifier = random(48);
        return new Pkce(verifier, s256(verifier));
    }

    /** {@code bytes} random bytes, base64url without padding: a state, nonce or verifier. */
    static String random(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    static String s256(String verifier) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
