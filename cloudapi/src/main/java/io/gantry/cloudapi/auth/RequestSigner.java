package io.gantry.cloudapi.auth;

import io.gantry.common.ErrorCode;
import io.gantry.common.GantryException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateKey;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import net.i2p.crypto.eddsa.EdDSAEngine;
import net.i2p.crypto.eddsa.EdDSAPrivateKey;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.util.security.SecurityUtils;

/**
 * Signs requests to the cloud API as Triton clients do ({@code Authorization: Signature …} over the
 * request target and the date), with an account's SSH private key: what gantry's own commands
 * (e.g. {@code gantry limit}, as an operator) use. The counterpart of {@link SignatureVerifier}.
 * Reads unencrypted keys in the forms ssh-keygen writes: PEM ({@code -m PEM}) or OpenSSH; RSA, ECDSA
 * or Ed25519.
 */
public final class RequestSigner {
    private static final String SIGNED_HEADERS = SignatureHeader.REQUEST_TARGET + " date";

    private final String account;
    private final String fingerprint;
    private final SignatureAlgorithm algorithm;
    private final PrivateKey key;

    private RequestSigner(String account, String fingerprint, SignatureAlgorithm algorithm, PrivateKey key) {
        this.account = account;
        this.fingerprint = fingerprint;
        this.algorithm = algorithm;
        this.key = key;
    }

    /** A signer for {@code account} with the private key in {@code privateKeyFile}; InvalidArgument if it cannot be read as one. */
    public static RequestSigner load(String account, Path privateKeyFile) {
        KeyPair pair;
        try (InputStream in = Files.newInputStream(privateKeyFile)) {
            Iterable<KeyPair> pairs = SecurityUtils.loadKeyPairIdentities(null, NamedResource.ofName(privateKeyFile.toString()), in, null);
            Iterator<KeyPair> it = pairs == null ? null : pairs.iterator();
            if (it == null || !it.hasNext()) {
                throw GantryException.invalid("no private key in " + privateKeyFile);
            }
            pair = it.next();
        } catch (NoSuchFileException e) {
            throw GantryException.invalid("private key file " + privateKeyFile + " does not exist");
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            if (e instanceof GantryException g) {
                throw g;
            }
            throw GantryException.invalid("cannot read a private key from " + privateKeyFile + " (an unencrypted OpenSSH or PEM key): "
                    + e.getMessage());
        }
        SshPublicKey publicKey = SshPublicKey.parse(PublicKeyEntry.toString(pair.getPublic()));
        return new RequestSigner(account, publicKey.md5Fingerprint(), algorithmOf(pair.getPrivate(), privateKeyFile), pair.getPrivate());
    }

    /** A signer for {@code account} with a key pair in memory (its public half registered for the account). */
    public static RequestSigner of(String account, KeyPair pair) {
        SshPublicKey publicKey = SshPublicKey.parse(PublicKeyEntry.toString(pair.getPublic()));
        return new RequestSigner(account, publicKey.md5Fingerprint(), algorithmOf(pair.getPrivate(), null), pair.getPrivate());
    }

    private static SignatureAlgorithm algorithmOf(PrivateKey key, Path file) {
        if (key instanceof RSAPrivateKey) {
            return SignatureAlgorithm.RSA_SHA256;
        }
        if (key instanceof ECPrivateKey ec) {
            int bits = ec.getParams().getOrder().bitLength();
            return bits <= 256 ? SignatureAlgorithm.ECDSA_SHA256 : bits <= 384 ? SignatureAlgorithm.ECDSA_SHA384 : SignatureAlgorithm.ECDSA_SHA512;
        }
        if (key instanceof EdDSAPrivateKey) {
            return SignatureAlgorithm.ED25519_SHA512;
        }
        throw GantryException.invalid((file == null ? "the key" : "the key in " + file) + " is " + key.getAlgorithm()
                + "; sign with an RSA, ECDSA or Ed25519 key");
    }

    /** {@code /<account>/keys/<md5 fingerprint>}, as the key id names the signer. */
    public String keyId() {
        return "/" + account + "/keys/" + fingerprint;
    }

    /** The {@code Date} and {@code Authorization} headers of a request for {@code method pathWithQuery} sent at {@code now}. */
    public Map<String, String> headers(String method, String pathWithQuery, ZonedDateTime now) {
        String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(now);
        String signing = SignatureHeader.REQUEST_TARGET + ": " + method.toLowerCase(Locale.ROOT) + " " + pathWithQuery + "\ndate: " + date;
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Date", date);
        headers.put("Authorization", "Signature keyId=\"" + keyId() + "\",algorithm=\"" + algorithm.wireName() + "\",headers=\""
                + SIGNED_HEADERS + "\",signature=\"" + Base64.getEncoder().encodeToString(sign(signing.getBytes(StandardCharsets.UTF_8)))
                + "\"");
        return headers;
    }

    private byte[] sign(byte[] data) {
        try {
            Signature s = algorithm.family() == SignatureAlgorithm.Family.ED25519
                    ? new EdDSAEngine(MessageDigest.getInstance("SHA-512"))
                    : Signature.getInstance(algorithm.jcaName());
            s.initSign(key);
            s.update(data);
            return s.sign();
        } catch (GeneralSecurityException e) {
            throw new GantryException(ErrorCode.InternalError, "cannot sign with the " + key.getAlgorithm() + " key: " + e.getMessage(), e);
        }
    }
}
