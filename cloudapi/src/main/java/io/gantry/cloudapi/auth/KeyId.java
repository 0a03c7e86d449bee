package io.gantry.cloudapi.auth;

import io.gantry.common.ErrorCode;
import io.gantry.common.GantryException;
import java.util.Objects;

/**
 * The {@code keyId} of a Triton HTTP Signature: {@code /<account>/keys/<fingerprint>}, or for a
 * sub-user {@code /<account>/users/<user>/keys/<fingerprint>}. The fingerprint is kept as sent
 * (MD5 {@code aa:bb:…}, optionally {@code MD5:}-prefixed, or {@code SHA256:…}, which may itself
 * contain {@code /}); compare it with {@link SshPublicKey#matches(String)}.
 *
 * @param account the account login
 * @param user the sub-user login, or null when the account owner signed
 * @param fingerprint the key fingerprint exactly as sent
 */
public record KeyId(String account, String user, String fingerprint) {
    private static final String EXPECTED =
            "expected /<account>/keys/<fingerprint> or /<account>/users/<user>/keys/<fingerprint>";

    public KeyId {
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(fingerprint, "fingerprint");
    }

    /** Parses a keyId; anything malformed is a {@link ErrorCode#InvalidHeader} failure. */
    public static KeyId parse(String text) {
        if (text == null || text.isEmpty()) {
            throw bad("keyId is empty; " + EXPECTED);
        }
        if (!text.startsWith("/")) {
            throw bad("keyId \"" + text + "\" does not start with \"/\"; " + EXPECTED);
        }
        int slash = text.indexOf('/', 1);
        if (slash < 0) {
            throw bad("keyId \"" + text + "\" names no key; " + EXPECTED);
        }
        String account = text.substring(1, slash);
        String rest = text.substring(slash + 1);
        String user = null;
        if (rest.startsWith("users/")) {
            int end = rest.indexOf('/', "users/".length());
            if (end < 0) {
                throw bad("keyId \"" + text + "\" names no key; " + EXPECTED);
            }
            user = rest.substring("users/".length(), end);
            rest = rest.substring(end + 1);
            if (!isLogin(user)) {
                throw bad("keyId \"" + text + "\" has an empty or malformed user name; " + EXPECTED);
            }
        }
        if (!rest.startsWith("keys/")) {
            throw bad("keyId \"" + text + "\" is malformed; " + EXPECTED);
        }
        if (!isLogin(account)) {
            throw bad("keyId \"" + text + "\" has an empty or malformed account name; " + EXPECTED);
        }
        String fingerprint = rest.substring("keys/".length());
        if (!Fingerprints.isWellFormed(fingerprint)) {
            throw bad("keyId \"" + text + "\" has fingerprint \"" + fingerprint
                    + "\", which is neither an MD5 fingerprint (aa:bb:…:ff) nor SHA256:<base64>");
        }
        return new KeyId(account, user, fingerprint);
    }

    /** True when this keyId was signed by a sub-user rather than the account owner. */
    public boolean isSubUser() {
        return user != null;
    }

    /** The keyId as it appears on the wire. */
    @Override
    public String toString() {
        return user == null
                ? "/" + account + "/keys/" + fingerprint
                : "/" + account + "/users/" + user + "/keys/" + fingerprint;
    }

    private static boolean isLogin(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c <= ' ' || c == 0x7f || c == '"') {
                return false;
            }
        }
        return true;
    }

    private static GantryException bad(String message) {
        return new GantryException(ErrorCode.InvalidHeader, message);
    }
}
