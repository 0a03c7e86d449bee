package io.gantry.cloudapi.auth;

import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;

/**
 * JWTs for the verifier's tests, signed here with the JDK's own signature code (not Vert.x's, which the verifier
 * uses), and the public halves of the test's keys as JWKs.
 */
public final class TestJwt {
    private TestJwt() {
    }

    public static KeyPair rsa() {
        return generate("RSA", 2048, null);
    }

    public static KeyPair ec(String curve) {
        return generate("EC", 0, curve);
    }

    /** header.claims.signature, signed with {@code key} by the header's alg (RS*, PS256, ES256, ES384, HS256 with {@code secret}). */
    public static String sign(Map<String, Object> header, Map<String, Object> claims, KeyPair key, byte[] secret) {
        String input = b64(new JsonObject(header).encode().getBytes(StandardCharsets.UTF_8)) + "."
                + b64(new JsonObject(claims).encode().getBytes(StandardCharsets.UTF_8));
        String alg = String.valueOf(header.get("alg"));
        try {
            byte[] sig;
            if (alg.startsWith("HS")) {
                javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA" + alg.substring(2));
                mac.init(new javax.crypto.spec.SecretKeySpec(secret, mac.getAlgorithm()));
                sig = mac.doFinal(input.getBytes(StandardCharsets.US_ASCII));
            } else {
                Signature s = switch (alg) {
                    case "RS256", "RS384", "RS512" -> Signature.getInstance("SHA" + alg.substring(2) + "withRSA");
                    case "PS256" -> {
                        Signature pss = Signature.getInstance("RSASSA-PSS");
                        pss.setParameter(new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1));
                        yield pss;
                    }
                    case "ES256", "ES384" -> Signature.getInstance("SHA" + alg.substring(2) + "withECDSAinP1363Format");
                    default -> throw new IllegalArgumentException(alg);
                };
                s.initSign(key.getPrivate());
                s.update(input.getBytes(StandardCharsets.US_ASCII));
                sig = s.sign();
            }
            return input + "." + b64(sig);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The public key as a JWK with this kid and alg. */
    public static JsonObject jwk(KeyPair key, String kid, String alg) {
        JsonObject jwk = new JsonObject().put("kid", kid).put("use", "sig").put("alg", alg);
        if (key.getPublic() instanceof RSAPublicKey rsa) {
            return jwk.put("kty", "RSA").put("n", b64(unsigned(rsa.getModulus()))).put("e", b64(unsigned(rsa.getPublicExponent())));
        }
        ECPublicKey ec = (ECPublicKey) key.getPublic();
        int size = (ec.getParams().getCurve().getField().getFieldSize() + 7) / 8;
        return jwk.put("kty", "EC").put("crv", size == 32 ? "P-256" : "P-384")
                .put("x", b64(fixed(ec.getW().getAffineX(), size))).put("y", b64(fixed(ec.getW().getAffineY(), size)));
    }

    public static String b64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static byte[] unsigned(BigInteger n) {
        byte[] b = n.toByteArray();
        return b[0] == 0 ? Arrays.copyOfRange(b, 1, b.length) : b;
    }

    private static byte[] fixed(BigInteger n, int size) {
        byte[] b = unsigned(n);
        byte[] out = new byte[size];
        System.arraycopy(b, 0, out, size - b.length, b.length);
        return out;
    }

    private static KeyPair generate(String algorithm, int bits, String curve) {
        try {
            KeyPairGenerator gen = KeyPairGenerator.getInstance(algorithm);
            if (curve != null) {
                gen.initialize(new ECGenParameterSpec(curve));
            } else {
                gen.initialize(bits);
            }
            return gen.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
