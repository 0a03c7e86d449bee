package io.gantry.agent.mdata;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.zip.CRC32;

/**
 * The SmartOS metadata protocol, as {@code mdata-client} speaks it, one LF-terminated line per message. Pure: lines in,
 * lines out.
 *
 * <ul>
 *   <li>{@code NEGOTIATE V2} → {@code V2_OK}.</li>
 *   <li>Version 2: {@code V2 <len> <crc32> <reqid> <CODE> [base64 argument]}, where len (decimal) and crc32 (8 hex
 *   digits) are of the body after the crc32; answered by a frame of the same shape with the request's id and
 *   {@code SUCCESS}, {@code NOTFOUND} or {@code FAILURE}. PUT's decoded argument is {@code base64(key) SP base64(value)}.</li>
 *   <li>Version 1 (the older clients): {@code GET key} → {@code SUCCESS}, the value's lines (a leading '.' doubled)
 *   and a line {@code .}; or {@code NOTFOUND}. {@code KEYS} likewise.</li>
 *   <li>Anything else, including a V2 frame whose length or CRC is wrong: {@code invalid command}.</li>
 * </ul>
 */
public final class MetadataProtocol {
    /** The answer to a line that is no request. */
    public static final String INVALID = "invalid command\n";
    public static final String V2_OK = "V2_OK\n";

    private static final Pattern REQUEST_ID = Pattern.compile("[0-9A-Za-z]{1,32}");
    private static final Pattern CODE = Pattern.compile("[A-Z_]{1,16}");

    private MetadataProtocol() {
    }

    /** The operations a zone may ask for. */
    public enum Op { GET, PUT, DELETE, KEYS }

    /** What a line asks. */
    public sealed interface Line permits Negotiate, Request, Invalid {
    }

    /** {@code NEGOTIATE V2}. */
    public record Negotiate() implements Line {
    }

    /** Garbage, a frame that fails its checks, or an unknown operation of version 1. */
    public record Invalid(String why) implements Line {
    }

    /**
     * A request: {@code requestId} null for version 1; {@code key}/{@code value} decoded, value only for PUT. {@code op}
     * null for a well-formed V2 frame the agent refuses (an unknown code, or a payload that does not decode): it is
     * answered FAILURE, with {@code value} saying why where there is more to say than the code.
     */
    public record Request(String requestId, Op op, String code, String key, String value) implements Line {
        public boolean v2() {
            return requestId != null;
        }
    }

    /** The result of a request, raw (encoded by {@link #answer}); {@code data} may be null. */
    public record Answer(Status status, String data) {
        public static Answer success(String data) {
            return new Answer(Status.SUCCESS, data);
        }

        public static Answer notFound() {
            return new Answer(Status.NOTFOUND, null);
        }

        public static Answer failure(String why) {
            return new Answer(Status.FAILURE, why);
        }
    }

    public enum Status { SUCCESS, NOTFOUND, FAILURE }

    /** Reads one line (without its LF; a trailing CR is ignored). */
    public static Line parse(String raw) {
        String line = raw.endsWith("\r") ? raw.substring(0, raw.length() - 1) : raw;
        if (line.equals("NEGOTIATE V2")) {
            return new Negotiate();
        }
        if (line.startsWith("V2 ")) {
            return parseV2(line);
        }
        int space = line.indexOf(' ');
        String verb = space < 0 ? line : line.substring(0, space);
        String arg = space < 0 ? null : line.substring(space + 1);
        if (verb.equals("GET") && arg != null && !arg.isEmpty()) {
            return new Request(null, Op.GET, verb, arg, null);
        }
        if (verb.equals("KEYS") && arg == null) {
            return new Request(null, Op.KEYS, verb, null, null);
        }
        return new Invalid("not a request");
    }

    private static Line parseV2(String line) {
        String[] head = line.split(" ", 4);
        if (head.length != 4) {
            return new Invalid("V2 frame without length, crc32 and body");
        }
        long length;
        long crc;
        try {
            length = Long.parseLong(head[1]);
            if (head[2].length() > 8) {
                return new Invalid("V2 crc32 longer than 8 hex digits");
            }
            crc = Long.parseLong(head[2], 16);
        } catch (NumberFormatException e) {
            return new Invalid("V2 length or crc32 is not a number");
        }
        String body = head[3];
        byte[] bytes = body.getBytes(StandardCharsets.ISO_8859_1);
        if (bytes.length != length) {
            return new Invalid("V2 body is " + bytes.length + " bytes, the frame says " + length);
        }
        if (crc32(bytes) != crc) {
            return new Invalid("V2 crc32 mismatch");
        }
        String[] parts = body.split(" ", -1);
        if (parts.length < 2 || parts.length > 3 || !REQUEST_ID.matcher(parts[0]).matches() || !CODE.matcher(parts[1]).matches()) {
            return new Invalid("V2 body is not '<reqid> <code> [payload]'");
        }
        String id = parts[0];
        String code = parts[1];
        String payload;
        try {
            payload = parts.length == 3 ? decode(parts[2]) : null;
        } catch (IllegalArgumentException e) {
            return new Request(id, null, code, null, "payload is not base64");
        }
        Op op;
        try {
            op = Op.valueOf(code);
        } catch (IllegalArgumentException e) {
            return new Request(id, null, code, null, null);
        }
        return switch (op) {
            case KEYS -> new Request(id, op, code, null, null);
            case GET, DELETE -> payload == null || payload.isEmpty()
                    ? new Request(id, null, code, null, code + " needs a key")
                    : new Request(id, op, code, payload, null);
            case PUT -> parsePut(id, payload);
        };
    }

    private static Request parsePut(String id, String payload) {
        if (payload == null) {
            return new Request(id, null, "PUT", null, "PUT needs a key and a value");
        }
        String[] kv = payload.split(" ", -1);
        if (kv.length != 2) {
            return new Request(id, null, "PUT", null, "PUT's payload must be base64(key) SP base64(value)");
        }
        try {
            String key = decode(kv[0]);
            if (key.isEmpty()) {
                return new Request(id, null, "PUT", null, "PUT needs a key");
            }
            return new Request(id, Op.PUT, "PUT", key, decode(kv[1]));
        } catch (IllegalArgumentException e) {
            return new Request(id, null, "PUT", null, "PUT's key or value is not base64");
        }
    }

    /** The line(s) answering {@code request}. */
    public static String answer(Request request, Answer answer) {
        if (request.v2()) {
            StringBuilder body = new StringBuilder(request.requestId()).append(' ').append(answer.status().name());
            if (answer.data() != null && !(answer.status() == Status.SUCCESS && answer.data().isEmpty())) {
                body.append(' ').append(encode(answer.data()));
            }
            return frame(body.toString());
        }
        return switch (answer.status()) {
            case NOTFOUND -> "NOTFOUND\n";
            case FAILURE -> "FAILURE\n";
            case SUCCESS -> v1Data(answer.data() == null ? "" : answer.data());
        };
    }

    /** A V2 frame of {@code body} (ASCII). */
    public static String frame(String body) {
        byte[] bytes = body.getBytes(StandardCharsets.ISO_8859_1);
        return "V2 " + bytes.length + " " + String.format(Locale.ROOT, "%08x", crc32(bytes)) + " " + body + "\n";
    }

    private static String v1Data(String data) {
        StringBuilder out = new StringBuilder("SUCCESS\n");
        if (!data.isEmpty()) {
            for (String line : data.split("\n", -1)) {
                out.append(line.startsWith(".") ? "." : "").append(line).append('\n');
            }
        }
        return out.append(".\n").toString();
    }

    public static long crc32(byte[] bytes) {
        CRC32 crc = new CRC32();
        crc.update(bytes);
        return crc.getValue();
    }

    public static String encode(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    static String decode(String base64) {
        return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
    }
}
