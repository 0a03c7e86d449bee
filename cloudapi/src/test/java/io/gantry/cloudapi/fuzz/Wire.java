package io.gantry.cloudapi.fuzz;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * Request bytes. Request targets and header values are "byte strings": each char is one byte
 * (ISO-8859-1), so a fuzzer can put any byte on the wire, UTF-8 or not.
 */
public final class Wire {
    private Wire() {
    }

    public static String date(ZonedDateTime when) {
        return DateTimeFormatter.RFC_1123_DATE_TIME.format(when);
    }

    public static String now() {
        return date(ZonedDateTime.now(ZoneOffset.UTC));
    }

    /** UTF-8 bytes of {@code text} as a byte string (unpaired surrogates become '?', as Java encodes them). */
    public static String utf8(String text) {
        return new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    }

    public static byte[] request(String method, String target, List<String[]> headers, byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes((method + " " + target + " HTTP/1.1\r\n").getBytes(StandardCharsets.ISO_8859_1));
        for (String[] h : headers) {
            out.writeBytes((h[0] + ": " + h[1] + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        }
        out.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
        if (body != null) {
            out.writeBytes(body);
        }
        return out.toByteArray();
    }

    /** A printable form of request bytes, for failure messages: non-printable bytes as \xNN, cut at {@code max} chars. */
    public static String printable(byte[] wire, int max) {
        StringBuilder sb = new StringBuilder();
        for (byte x : wire) {
            int c = x & 0xff;
            if (sb.length() >= max) {
                sb.append("… (").append(wire.length).append(" bytes in all)");
                break;
            }
            if (c == '\n') {
                sb.append("\\n\n");
            } else if (c == '\r') {
                sb.append("\\r");
            } else if (c < 0x20 || c >= 0x7f) {
                sb.append(String.format("\\x%02x", c));
            } else {
                sb.append((char) c);
            }
        }
        return sb.toString();
    }
}
