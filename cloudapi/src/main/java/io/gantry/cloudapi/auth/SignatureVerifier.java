package io.gantry.cloudapi.auth;

import io.gantry.common.ErrorCode;
import io.gantry.common.GantryException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;
import java.security.interfaces.ECPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Objects;
import net.i2p.crypto.eddsa.EdDSAEngine;
import net.i2p.crypto.eddsa.EdDSAPublicKey;

/**
 * Checks the signed date against the clock and verifies an HTTP Signature with an account's key.
 * Pure: the caller parses the header, looks the key up by {@link KeyId} and builds the signing string.
 *
 * <ul>
 *   <li>RSA: PKCS#1 v1.5 with SHA-1/256/512.</li>
 *   <li>ECDSA: ASN.1 DER {@code SEQUENCE {r, s}} as sshpk sends it; the raw fixed-width
 *       {@code r||s} form is accepted too.</li>
 *   <li>Ed25519: the raw 64-byte signature.</li>
 * </ul>
 */
public final class SignatureVerifier {
    /** The clock skew Triton allows by default (http-signature's {@code clockSkew}). */
    public static final Duration DEFAULT_MAX_SKEW = Duration.ofSeconds(300);

    private static final String MISMATCH = "The signature we calculated does not match the one you sent";

    private final Clock clock;
    private final Duration maxSkew;

    public SignatureVerifier(Clock clock, Duration maxSkew) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.maxSkew = Objects.requireNonNull(maxSkew, "maxSkew");
        if (maxSkew.isNegative()) {
            throw new IllegalArgumentException("maxSkew must not be negative: " + maxSkew);
        }
    }

    /** The system UTC clock and a 300 s skew. */
    public SignatureVerifier() {
        this(Clock.systemUTC(), DEFAULT_MAX_SKEW);
    }

    /**
     * Checks an RFC 1123 {@code Date} header against the clock.
     *
     * @throws GantryException InvalidHeader when it is missing, unparseable, or further than the
     *     allowed skew from now (the message says by how much)
     */
    public void checkDate(String dateHeader) {
        if (dateHeader == null || dateHeader.isBlank()) {
            throw new GantryException(ErrorCode.InvalidHeader,
                    "missing Date header; a signed request must carry an RFC 1123 Date (e.g. "
                            + example() + ")");
        }
        Instant date;
        try {
            date = ZonedDateTime.parse(dateHeader.strip(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            throw new GantryException(ErrorCode.InvalidHeader,
                    "Date header \"" + dateHeader + "\" is not an RFC 1123 date (e.g. " + example() + ")");
        }
        Instant now = clock.instant();
        Duration skew = Duration.between(date, now).abs();
        if (skew.compareTo(maxSkew) > 0) {
            throw new GantryException(ErrorCode.InvalidHeader, String.format(Locale.ROOT,
                    "clock skew of %.3fs was greater than %ds: the request's Date is %s, the server's clock %s",
                    skew.toMillis() / 1000.0, maxSkew.toSeconds(),
                    DateTimeFormatter.RFC_1123_DATE_TIME.format(date.atZone(java.time.ZoneOffset.UTC)),
                    DateTimeFormatter.RFC_1123_DATE_TIME.format(now.atZone(java.time.ZoneOffset.UTC))));
        }
    }

    /**
     * Verifies {@code header}'s signature over {@code signingString} (UTF-8) with {@code key}.
     *
     * @throws GantryException InvalidSignature when the algorithm does not fit the key type or the
     *     signature does not verify
     */
    public void verify(SignatureHeader header, String signingString, SshPublicKey key) {
        Objects.requireNonNull(header, "header");
        Objects.requireNonNull(signingString, "signingString");
        Objects.requireNonNull(key, "key");
        SignatureAlgorithm alg = header.signatureAlgorithm();
        if (alg.family() != key.family()) {
            throw new GantryException(ErrorCode.InvalidSignature, "algorithm " + alg.wireName()
                    + " cannot be used with a " + key.type() + " key");
        }
        byte[] data = signingString.getBytes(StandardCharsets.UTF_8);
        byte[] sig = header.signature();
        boolean ok;
        try {
            ok = switch (alg.family()) {
                case RSA -> verifyJca(alg.jcaName(), key.publicKey(), data, sig);
                case ECDSA -> verifyEcdsa(alg.jcaName(), key.publicKey(), data, sig);
                case ED25519 -> verifyEd25519(key.publicKey(), data, sig);
            };
        } catch (InvalidKeyException e) {
            throw new GantryException(ErrorCode.InvalidSignature,
                    "key " + key.md5Fingerprint() + " cannot verify " + alg.wireName() + ": " + e.getMessage());
        } catch (NoSuchAlgorithmException e) {
            throw new GantryException(ErrorCode.InternalError, "this JVM cannot verify " + alg.wireName(), e);
        }
        if (!ok) {
            throw new GantryException(ErrorCode.InvalidSignature, MISMATCH);
        }
    }

    private static boolean verifyJca(String jcaName, PublicKey key, byte[] data, byte[] sig)
            throws NoSuchAlgorithmException, InvalidKeyException {
        Signature s = Signature.getInstance(jcaName);
        s.initVerify(key);
        try {
            s.update(data);
            return s.verify(sig);
        } catch (SignatureException | RuntimeException e) { // malformed signature bytes
            return false;
        }
    }

    /** DER first (what sshpk sends); then the raw r||s form when the length fits the curve. */
    private static boolean verifyEcdsa(String jcaName, PublicKey key, byte[] data, byte[] sig)
            throws NoSuchAlgorithmException, InvalidKeyException {
        if (verifyJca(jcaName, key, data, sig)) {
            return true;
        }
        if (key instanceof ECPublicKey ec) {
            int n = (ec.getParams().getOrder().bitLength() + 7) / 8;
            if (sig.length == 2 * n) {
                return verifyJca(jcaName + "inP1363Format", key, data, sig);
            }
        }
        return false;
    }

    private static boolean verifyEd25519(PublicKey key, byte[] data, byte[] sig)
            throws NoSuchAlgorithmException, InvalidKeyException {
        if (sig.length != 64) {
            return false;
        }
        if (key instanceof EdDSAPublicKey) {
            EdDSAEngine engine = new EdDSAEngine(MessageDigest.getInstance("SHA-512"));
            engine.initVerify(key);
            try {
                engine.update(data);
                return engine.verify(sig);
            } catch (GeneralSecurityException | RuntimeException e) {
                return false;
            }
        }
        return verifyJca("Ed25519", key, data, sig); // a JDK EdEC key, should sshd hand one back
    }

    private static String example() {
        return "Tue, 3 Jun 2008 11:05:30 GMT";
    }
}
