package io.gantry.cloudapi.auth;

import io.gantry.common.GantryException;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Map;
import java.util.Set;
import net.i2p.crypto.eddsa.EdDSAPublicKey;
import org.apache.sshd.common.config.keys.AuthorizedKeyEntry;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.apache.sshd.common.digest.BuiltinDigests;

/**
 * An account's registered SSH public key, parsed from OpenSSH text ({@code ssh-rsa AAAA… comment})
 * with Apache MINA sshd. Supported types: {@code ssh-rsa}, {@code ecdsa-sha2-nistp256/384/521},
 * {@code ssh-ed25519}.
 */
public final class SshPublicKey {
    private static final Set<String> SUPPORTED_TYPES = Set.of(
            "ssh-rsa", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521", "ssh-ed25519");

    private final String type;
    private final String base64;
    private final String comment;
    private final PublicKey publicKey;
    private final String md5;
    private final String sha256;

    private SshPublicKey(String type, String base64, String comment, PublicKey publicKey, String md5, String sha256) {
        this.type = type;
        this.base64 = base64;
        this.comment = comment;
        this.publicKey = publicKey;
        this.md5 = md5;
        this.sha256 = sha256;
    }

    /**
     * Parses one OpenSSH public key line. Anything else (a private key, garbage, truncated base64,
     * authorized_keys options, a certificate or an unsupported key type) is an
     * {@link io.gantry.common.ErrorCode#InvalidArgument} failure.
     */
    public static SshPublicKey parse(String openSshText) {
        if (openSshText == null || openSshText.isBlank()) {
            throw notAKey("the text is empty");
        }
        String line = openSshText.strip();
        if (line.indexOf('\n') >= 0 || line.indexOf('\r') >= 0) {
            throw notAKey("expected a single line \"<type> <base64> [comment]\"");
        }
        AuthorizedKeyEntry entry;
        try {
            entry = AuthorizedKeyEntry.parseAuthorizedKeyEntry(line);
        } catch (RuntimeException e) {
            throw notAKey(describe(e));
        }
        if (entry == null) {
            throw notAKey("expected \"<type> <base64> [comment]\"");
        }
        Map<String, String> options = entry.getLoginOptions();
        if (options != null && !options.isEmpty()) {
            throw notAKey("expected \"<type> <base64> [comment]\" without authorized_keys options");
        }
        PublicKey key;
        try {
            key = entry.resolvePublicKey(null, Map.of(), PublicKeyEntryResolver.FAILING);
        } catch (Exception e) {
            throw notAKey(describe(e));
        }
        if (key == null) {
            throw notAKey("key type \"" + entry.getKeyType() + "\" is not recognised");
        }
        String type = KeyUtils.getKeyType(key);
        if (type == null || !SUPPORTED_TYPES.contains(type)) {
            throw GantryException.invalid("unsupported SSH key type \"" + entry.getKeyType()
                    + "\"; supported: ssh-rsa, ecdsa-sha2-nistp256, ecdsa-sha2-nistp384, ecdsa-sha2-nistp521, ssh-ed25519");
        }
        if (!type.equals(entry.getKeyType())) {
            throw notAKey("the text says \"" + entry.getKeyType() + "\" but the key data is " + type);
        }
        String canonical = PublicKeyEntry.toString(key); // "type base64", re-encoded from the key
        String base64 = canonical.substring(canonical.indexOf(' ') + 1).strip();
        String md5 = KeyUtils.getFingerPrint(BuiltinDigests.md5.create(), key);
        String sha256 = KeyUtils.getFingerPrint(BuiltinDigests.sha256.create(), key);
        if (md5 == null || !md5.startsWith("MD5:") || sha256 == null || !sha256.startsWith("SHA256:")) {
            throw notAKey("its fingerprint cannot be computed");
        }
        String comment = entry.getComment() == null ? "" : entry.getComment().strip();
        return new SshPublicKey(type, base64, comment, key, md5.substring("MD5:".length()).toLowerCase(java.util.Locale.ROOT), sha256);
    }

    /** The SSH key type: {@code ssh-rsa}, {@code ecdsa-sha2-nistp256}, {@code ssh-ed25519}, … */
    public String type() {
        return type;
    }

    /** MD5 fingerprint as lower-case colon-separated hex pairs, without a prefix: {@code aa:bb:…}. */
    public String md5Fingerprint() {
        return md5;
    }

    /** SHA-256 fingerprint as {@code ssh-keygen -l} prints it: {@code SHA256:<base64 without padding>}. */
    public String sha256Fingerprint() {
        return sha256;
    }

    /**
     * Whether {@code fingerprint} names this key: MD5 ({@code aa:bb:…}, any case, with or without
     * {@code MD5:}) or {@code SHA256:…}.
     */
    public boolean matches(String fingerprint) {
        String canonical = Fingerprints.canonical(fingerprint);
        if (canonical == null) {
            return false;
        }
        return canonical.startsWith("md5:") ? canonical.substring(4).equals(md5) : canonical.equals(sha256);
    }

    /** Normalized OpenSSH text: {@code "<type> <base64>"} plus {@code " <comment>"} when there is one. */
    public String text() {
        return comment.isEmpty() ? type + " " + base64 : type + " " + base64 + " " + comment;
    }

    /** The comment after the key data, or "" when there is none. */
    public String comment() {
        return comment;
    }

    public PublicKey publicKey() {
        return publicKey;
    }

    /** Key size: the RSA modulus length, the ECDSA curve size (256/384/521), 256 for Ed25519. */
    public int bits() {
        if (publicKey instanceof RSAPublicKey rsa) {
            return rsa.getModulus().bitLength();
        }
        if (publicKey instanceof ECPublicKey ec) {
            return ec.getParams().getCurve().getField().getFieldSize();
        }
        if (publicKey instanceof EdDSAPublicKey || type.equals("ssh-ed25519")) {
            return 256;
        }
        return KeyUtils.getKeySize(publicKey);
    }

    /** The key family, for matching against a {@link SignatureAlgorithm}. */
    public SignatureAlgorithm.Family family() {
        return switch (type) {
            case "ssh-rsa" -> SignatureAlgorithm.Family.RSA;
            case "ssh-ed25519" -> SignatureAlgorithm.Family.ED25519;
            default -> SignatureAlgorithm.Family.ECDSA;
        };
    }

    /** Same key material (the comment is ignored). */
    @Override
    public boolean equals(Object o) {
        return o instanceof SshPublicKey other && type.equals(other.type) && base64.equals(other.base64);
    }

    @Override
    public int hashCode() {
        return base64.hashCode();
    }

    @Override
    public String toString() {
        return text();
    }

    private static String describe(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }

    private static GantryException notAKey(String why) {
        return GantryException.invalid("not an OpenSSH public key: " + why);
    }
}
