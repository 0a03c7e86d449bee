package io.gantry.cloudapi.fuzz;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

/**
 * Awkward values: strings with NUL, unpaired surrogates, direction marks and emoji; numbers past
 * every range; JSON that is deep, truncated or not JSON at all; and their encodings as path or
 * query bytes (percent-encoded or raw).
 */
final class Odd {
    private static final List<String> TEXTS = List.of(
            "", " ", "\u0000", "a\u0000b", "\uD800", "x\uDFFFy", "\uDBFF\uDFFF", "\u202Eevil\u202C", "\u200F\u200E", "🦊", "😀😀😀",
            "\u200B", "\uFEFF", "ﬁ", "İı", "ß", "e\u0301", "ǅ", "\u0085", "\u2028", "../../etc/passwd", "..", ".", "%00", "%", "%zz",
            "' OR '1'='1", "\"; drop table machines; --", "<script>alert(1)</script>", "${jndi:ldap://x}", "\\", "\"", "\r\nX-Injected: 1",
            "\t", "1e400", "-0", "NaN", "Infinity", "9223372036854775808", "-9223372036854775809", "2147483648", "0x10", "null", "true",
            "{}", "[]", "my", "MY", "--ping", "*", "?", "#", "&", "=", "+", ";", "a".repeat(300), "é".repeat(2000), "𝕏".repeat(100));
    private static final List<String> NUMBERS = List.of(
            "0", "-0", "1", "-1", "1.5", "-0.0", "1e400", "-1e400", "1e-400", "9223372036854775807", "9223372036854775808",
            "-9223372036854775809", "18446744073709551616", "123456789012345678901234567890123456789012345678901234567890",
            "2147483648", "0.1e1", "1E+2", "4294967296", "1" + "0".repeat(400));

    private Odd() {
    }

    static <T> T pick(Random r, List<T> from) {
        return from.get(r.nextInt(from.size()));
    }

    static String text(Random r) {
        String t = pick(r, TEXTS);
        return r.nextInt(4) == 0 ? t + pick(r, TEXTS) : t;
    }

    static String number(Random r) {
        return pick(r, NUMBERS);
    }

    /** UTF-8, except that an unpaired surrogate is written as its own three bytes (as CESU-8 would), not as '?'. */
    static byte[] wtf8(String s) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                out.writeBytes(s.substring(i, i + 2).getBytes(StandardCharsets.UTF_8));
                i++;
            } else if (Character.isSurrogate(c)) {
                out.write(0xE0 | (c >> 12));
                out.write(0x80 | ((c >> 6) & 0x3F));
                out.write(0x80 | (c & 0x3F));
            } else {
                out.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
            }
        }
        return out.toByteArray();
    }

    /** Percent-encodes every byte outside unreserved characters. */
    static String percent(String s) {
        StringBuilder sb = new StringBuilder();
        for (byte x : wtf8(s)) {
            int c = x & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == '~') {
                sb.append((char) c);
            } else {
                sb.append('%').append(String.format("%02X", c));
            }
        }
        return sb.toString();
    }

    /** As bytes on the wire: mostly percent-encoded, sometimes raw (which may break the request line). */
    static String onWire(Random r, String s) {
        int how = r.nextInt(10);
        if (how < 7) {
            return percent(s);
        }
        if (how < 9) {
            return new String(wtf8(s), StandardCharsets.ISO_8859_1).replace(" ", "%20").replace("\r", "").replace("\n", "");
        }
        return new String(wtf8(s), StandardCharsets.ISO_8859_1);
    }

    /** A JSON string literal for {@code s}, unpaired surrogates and controls as \\u escapes. */
    static String jsonString(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c < 0x20 || Character.isSurrogate(c) && !(Character.isHighSurrogate(c) && i + 1 < s.length()
                    && Character.isLowSurrogate(s.charAt(i + 1)))) {
                sb.append(String.format("\\u%04x", (int) c));
            } else if (Character.isHighSurrogate(c)) {
                sb.append(c).append(s.charAt(++i));
            } else {
                sb.append(c);
            }
        }
        return sb.append('"').toString();
    }

    /** Any JSON value, small, of any type. */
    static String jsonValue(Random r, int depth) {
        int kind = r.nextInt(depth > 2 ? 4 : 7);
        switch (kind) {
            case 0:
                return jsonString(text(r));
            case 1:
                return number(r);
            case 2:
                return pick(r, List.of("true", "false", "null"));
            case 3:
                return jsonString("v" + r.nextInt(1000));
            case 4: {
                StringBuilder sb = new StringBuilder("[");
                int n = r.nextInt(4);
                for (int i = 0; i < n; i++) {
                    sb.append(i > 0 ? "," : "").append(jsonValue(r, depth + 1));
                }
                return sb.append(']').toString();
            }
            case 5: {
                StringBuilder sb = new StringBuilder("{");
                int n = r.nextInt(4);
                for (int i = 0; i < n; i++) {
                    sb.append(i > 0 ? "," : "").append(jsonString(r.nextBoolean() ? text(r) : "k" + i)).append(':')
                            .append(jsonValue(r, depth + 1));
                }
                return sb.append('}').toString();
            }
            default:
                return deep(r, 3 + r.nextInt(40));
        }
    }

    /** {@code levels} nested arrays or objects, closed or not. */
    static String deep(Random r, int levels) {
        boolean arrays = r.nextBoolean();
        String open = arrays ? "[" : "{\"a\":";
        String close = arrays ? "]" : "}";
        return open.repeat(levels) + "1" + close.repeat(levels);
    }

    /** Whole bodies that are no good as a request's JSON object. */
    static String badBody(Random r, String good) {
        switch (r.nextInt(14)) {
            case 0:
                return good.isEmpty() ? "{" : good.substring(0, r.nextInt(good.length()));
            case 1:
                return deep(r, 10_000);
            case 2:
                return "[".repeat(10_000);
            case 3:
                return deep(r, 900 + r.nextInt(200));
            case 4:
                return jsonValue(r, 0);
            case 5:
                return "{\"a\":NaN,\"b\":Infinity,\"c\":-Infinity}";
            case 6:
                return "{'single':'quotes', unquoted: 1, \"trailing\": [1,2,],}";
            case 7:
                return "\uFEFF" + good;
            case 8:
                return "{\"dup\":1,\"dup\":{\"dup\":[1]}," + jsonString(text(r)) + ":" + jsonValue(r, 0) + "}";
            case 9:
                return "{\"\\ud800\":\"\\udfff\",\"\\u0000\":\"\\u0000\"," + jsonString("\u202E" + text(r)) + ":1}";
            case 10:
                return "{\"n\":" + number(r) + ",\"m\":" + number(r) + "}";
            case 11:
                return "null";
            case 12:
                return "{\"a\":\"" + "x".repeat(200_000) + "\"}";
            default:
                return "not json at all " + text(r);
        }
    }
}
