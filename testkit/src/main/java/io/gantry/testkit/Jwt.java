package io.gantry.testkit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * JSON Web Tokens written and read by hand (base64url JSON, JDK crypto), for tests that need tokens
 * an identity provider would never issue: signed with another key, HS256 with a public key as the
 * secret, or not signed at all. The header is written as given: the caller sets {@code alg}.
 */
public final class Jwt {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private Jwt() {
    }

    /** {@code header.claims.signature} with an RS256 (SHA256withRSA) signature by {@code key}. */
    public static String rs256(Map<String, Object> header, Map<String, Object> claims, PrivateKey key) {
        String signingInput = signingInput(header, claims);
        try {
            Signature rsa = Signature.getInstance("SHA256withRSA");
            rsa.initSign(key);
            rsa.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + B64.encodeToString(rsa.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign with " + key.getAlgorithm() + ": " + e.getMessage(), e);
        }
    }

    /** With an HS256 (HMAC-SHA256) signature keyed by {@code secret}. */
    public static String hs256(Map<String, Object> header, Map<String, Object> claims, byte[] secret) {
        String signingInput = signingInput(header, claims);
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return signingInput + "." + B64.encodeToString(mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot compute an HMAC: " + e.getMessage(), e);
        }
    }

    /** With an empty signature part, as {@code alg: none} tokens are written. */
    public static String unsigned(Map<String, Object> header, Map<String, Object> claims) {
        return signingInput(header, claims) + ".";
    }

    /** The header of a token, as a mutable map. */
    public static Map<String, Object> header(String token) {
        return part(token, 0);
    }

    /** The claims of a token (not checked in any way), as a mutable map. */
    public static Map<String, Object> claims(String token) {
        return part(token, 1);
    }

    private static Map<String, Object> part(String token, int index) {
        String[] parts = token.split("\\.");
        if (parts.length < 2) {
            throw new IllegalArgumentException("not a JWT: " + token);
        }
        try {
            return JSON.readValue(Base64.getUrlDecoder().decode(parts[index]), new TypeReference<LinkedHashMap<String, Object>>() { });
        } catch (IOException e) {
            throw new UncheckedIOException("not a JWT: " + e.getMessage(), e);
        }
    }

    private static String signingInput(Map<String, Object> header, Map<String, Object> claims) {
        try {
            return B64.encodeToString(JSON.writeValueAsBytes(header)) + "." + B64.encodeToString(JSON.writeValueAsBytes(claims));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write the token as JSON: " + e.getMessage(), e);
        }
    }
}
