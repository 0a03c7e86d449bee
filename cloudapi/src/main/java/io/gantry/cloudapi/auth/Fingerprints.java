package io.gantry.cloudapi.auth;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The two fingerprint spellings Triton clients use in a keyId: MD5 as colon-separated hex pairs
 * ({@code aa:bb:…}, what the triton CLI sends, sometimes prefixed {@code MD5:}) and
 * {@code SHA256:<base64 without padding>} as {@code ssh-keygen -l} prints it.
 */
public final class Fingerprints {
    private static final Pattern MD5_COLONS = Pattern.compile("(?i)[0-9a-f]{2}(:[0-9a-f]{2}){15}");
    private static final Pattern MD5_BARE = Pattern.compile("(?i)[0-9a-f]{32}");
    private static final Pattern SHA256_B64 = Pattern.compile("[A-Za-z0-9+/]{43}=?");

    private Fingerprints() {
    }

    /**
     * The form keys are stored and looked up by: MD5 as lower-case {@code aa:bb:…} (no prefix), or
     * {@code SHA256:<base64 without padding>}; {@code fingerprint} itself when it is neither form.
     */
    public static String lookupForm(String fingerprint) {
        String c = canonical(fingerprint);
        if (c == null) {
            return fingerprint;
        }
        return c.startsWith("md5:") ? c.substring("md5:".length()) : c;
    }

    /**
     * The canonical comparison form of {@code fingerprint}: {@code md5:aa:bb:…} (lower case) or
     * {@code SHA256:<base64 without padding>}; null when it is neither form.
     */
    static String canonical(String fingerprint) {
        if (fingerprint == null) {
            return null;
        }
        String fp = fingerprint.strip();
        if (startsWithIgnoreCase(fp, "SHA256:")) {
            String b64 = fp.substring("SHA256:".length());
            return SHA256_B64.matcher(b64).matches() ? "SHA256:" + stripPadding(b64) : null;
        }
        if (startsWithIgnoreCase(fp, "MD5:")) {
            fp = fp.substring("MD5:".length());
        }
        if (MD5_COLONS.matcher(fp).matches()) {
            return "md5:" + fp.toLowerCase(Locale.ROOT);
        }
        if (MD5_BARE.matcher(fp).matches()) {
            StringBuilder sb = new StringBuilder("md5:");
            for (int i = 0; i < 32; i += 2) {
                if (i > 0) {
                    sb.append(':');
                }
                sb.append(fp, i, i + 2);
            }
            return sb.toString().toLowerCase(Locale.ROOT);
        }
        return null;
    }

    static boolean isWellFormed(String fingerprint) {
        return canonical(fingerprint) != null;
    }

    private static String stripPadding(String b64) {
        return b64.endsWith("=") ? b64.substring(0, b64.length() - 1) : b64;
    }

    private static boolean startsWithIgnoreCase(String s, String prefix) {
        return s.regionMatches(true, 0, prefix, 0, prefix.length());
    }
}
