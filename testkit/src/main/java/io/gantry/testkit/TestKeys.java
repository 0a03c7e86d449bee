package io.gantry.testkit;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import org.apache.sshd.common.config.keys.PublicKeyEntry;

/** Fresh key pairs for test accounts, and their public halves as an authorized_keys line. */
public final class TestKeys {
    private TestKeys() {
    }

    /** A 2048-bit RSA pair, the triton CLI's usual key. */
    public static KeyPair rsa() {
        return generate("RSA", 2048);
    }

    /** An ECDSA pair on P-256. */
    public static KeyPair ecdsa() {
        return generate("EC", 256);
    }

    /** The public key as OpenSSH writes it ({@code ssh-rsa AAAA… comment}). */
    public static String openSsh(KeyPair pair, String comment) {
        return PublicKeyEntry.toString(pair.getPublic()) + " " + comment;
    }

    private static KeyPair generate(String algorithm, int bits) {
        try {
            KeyPairGenerator gen = KeyPairGenerator.getInstance(algorithm);
            gen.initialize(bits);
            return gen.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM cannot make " + algorithm + " keys: " + e, e);
        }
    }
}
