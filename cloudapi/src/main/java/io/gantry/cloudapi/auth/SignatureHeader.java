package io.gantry.cloudapi.auth;

import io.gantry.common.ErrorCode;
import io.gantry.common.GantryException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * A parsed {@code Authorization: Signature …} header as Triton clients send it (node
 * {@code http-signature}/{@code smartdc-auth}), e.g. from triton CLI 7.17:
 *
 * <pre>
 * Signature keyId="/acct/keys/2f:0a:…:93",algorithm="rsa-sha256",headers="(request-target) date",signature="KL49…=="
 * </pre>
 *
 * <p>Parameters may come in any order, with optional whitespace around {@code ,} and {@code =};
 * parameter names and the scheme word are matched case-insensitively; unknown parameters are
 * ignored; {@code headers} defaults to {@code date}. The signed header list must include
 * {@code date} (or {@code x-date}), so a signature can never outlive the clock-skew window.
 *
 * @param keyId who signed, and with which key
 * @param algorithm the algorithm's wire name, lower-cased (one of {@link SignatureAlgorithm})
 * @param headers the signed header names, lower-cased, in signing order
 * @param signature the decoded signature bytes
 */
public record SignatureHeader(KeyId keyId, String algorithm, List<String> headers, byte[] signature) {
    /** The pseudo-header for {@code <lowercased method> <path-with-query>}. */
    public static final String REQUEST_TARGET = "(request-target)";

    private static final String EXAMPLE =
            "expected Signature keyId=\"/<account>/keys/<fingerprint>\",algorithm=\"rsa-sha256\","
                    + "headers=\"date\",signature=\"<base64>\"";

    public SignatureHeader {
        Objects.requireNonNull(keyId, "keyId");
        Objects.requireNonNull(algorithm, "algorithm");
        headers = List.copyOf(headers);
        signature = signature.clone();
    }

    /** A copy of the signature bytes. */
    @Override
    public byte[] signature() {
        return signature.clone();
    }

    /** The algorithm as an enum constant. */
    public SignatureAlgorithm signatureAlgorithm() {
        return SignatureAlgorithm.fromWireName(algorithm).orElseThrow(() -> unsupported(algorithm));
    }

    /** The signed date header to check against the clock: {@code date}, else {@code x-date}. */
    public String signedDateHeader() {
        return headers.contains("date") ? "date" : "x-date";
    }

    /**
     * Parses an Authorization header value. A missing or malformed header, a missing keyId,
     * algorithm or signature, an unsupported algorithm, a signature that is not base64, or a
     * header list without {@code date} are {@link ErrorCode#InvalidHeader} failures.
     */
    public static SignatureHeader parse(String authorizationHeaderValue) {
        if (authorizationHeaderValue == null || authorizationHeaderValue.isBlank()) {
            throw bad("missing Authorization header; " + EXAMPLE);
        }
        String value = authorizationHeaderValue.strip();
        int sp = 0;
        while (sp < value.length() && !isWhitespace(value.charAt(sp))) {
            sp++;
        }
        String scheme = value.substring(0, sp);
        if (!scheme.equalsIgnoreCase("Signature")) {
            throw bad("Authorization scheme \"" + scheme + "\" is not supported; " + EXAMPLE);
        }
        Map<String, String> params = parseParams(value, sp);

        String keyIdText = params.get("keyid");
        if (keyIdText == null || keyIdText.isEmpty()) {
            throw bad("Authorization header has no keyId parameter; " + EXAMPLE);
        }
        String algorithmText = params.get("algorithm");
        if (algorithmText == null || algorithmText.isEmpty()) {
            throw bad("Authorization header has no algorithm parameter; supported algorithms: "
                    + SignatureAlgorithm.supportedNames());
        }
        String signatureText = params.get("signature");
        if (signatureText == null || signatureText.isEmpty()) {
            throw bad("Authorization header has no signature parameter; " + EXAMPLE);
        }
        KeyId keyId = KeyId.parse(keyIdText);
        SignatureAlgorithm algorithm =
                SignatureAlgorithm.fromWireName(algorithmText).orElseThrow(() -> unsupported(algorithmText));

        List<String> headers;
        String headersText = params.get("headers");
        if (headersText == null) {
            headers = List.of("date");
        } else {
            headers = new ArrayList<>();
            for (String h : headersText.strip().split("\\s+")) {
                if (!h.isEmpty()) {
                    headers.add(h.toLowerCase(Locale.ROOT));
                }
            }
            if (headers.isEmpty()) {
                throw bad("Authorization header's headers parameter is empty; sign at least \"date\"");
            }
        }
        if (!headers.contains("date") && !headers.contains("x-date")) {
            throw bad("Authorization header must sign the date header (headers=\"" + String.join(" ", headers)
                    + "\" does not include date)");
        }

        byte[] signature;
        try {
            signature = Base64.getDecoder().decode(signatureText.strip());
        } catch (IllegalArgumentException e) {
            throw bad("Authorization header's signature is not valid base64: " + e.getMessage());
        }
        if (signature.length == 0) {
            throw bad("Authorization header's signature is empty");
        }
        return new SignatureHeader(keyId, algorithm.wireName(), headers, signature);
    }

    /**
     * The string the client signed: for each listed header, {@code <name>: <value>}, joined with
     * {@code "\n"}; {@code (request-target)} has the value {@code <lowercased method> <pathWithQuery>}.
     *
     * @param method the HTTP method as received
     * @param pathWithQuery the request target as received (raw path and query, not decoded)
     * @param headerValue looks a request header up by its lower-cased name; null when absent
     * @throws GantryException InvalidHeader when a signed header is absent from the request
     */
    public String signingString(String method, String pathWithQuery, Function<String, String> headerValue) {
        StringBuilder sb = new StringBuilder();
        for (String h : headers) {
            if (sb.length() > 0) {
                sb.append('\n');
            }
            String v;
            if (h.equals(REQUEST_TARGET)) {
                if (method == null || pathWithQuery == null) {
                    throw bad("the request target was signed but no method/path is known");
                }
                v = method.toLowerCase(Locale.ROOT) + " " + pathWithQuery;
            } else if (h.startsWith("(")) {
                throw bad("signed pseudo-header \"" + h + "\" is not supported; only " + REQUEST_TARGET + " is");
            } else {
                v = headerValue.apply(h);
                if (v == null) {
                    throw bad("signed header \"" + h + "\" is missing from the request");
                }
                v = v.strip();
            }
            sb.append(h).append(": ").append(v);
        }
        return sb.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SignatureHeader other
                && keyId.equals(other.keyId)
                && algorithm.equals(other.algorithm)
                && headers.equals(other.headers)
                && Arrays.equals(signature, other.signature);
    }

    @Override
    public int hashCode() {
        return Objects.hash(keyId, algorithm, headers, Arrays.hashCode(signature));
    }

    @Override
    public String toString() {
        return "Signature keyId=" + quoted(keyId.toString()) + ",algorithm=" + quoted(algorithm) + ",headers="
                + quoted(String.join(" ", headers)) + ",signature=" + quoted(Base64.getEncoder().encodeToString(signature));
    }

    /** A quoted-string as {@link #parse} reads it back: {@code "} and {@code \} escaped (a login may hold a backslash). */
    private static String quoted(String value) {
        return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    /** {@code name=value} pairs after the scheme; names lower-cased; values quoted or bare tokens. */
    private static Map<String, String> parseParams(String s, int start) {
        Map<String, String> params = new HashMap<>();
        int i = skipWs(s, start);
        while (i < s.length()) {
            if (s.charAt(i) == ',') { // empty list element
                i = skipWs(s, i + 1);
                continue;
            }
            int nameStart = i;
            while (i < s.length() && isTokenChar(s.charAt(i))) {
                i++;
            }
            if (i == nameStart) {
                throw bad("Authorization header is malformed at character " + (i + 1) + " (\"" + s.charAt(i)
                        + "\" where a parameter name was expected); " + EXAMPLE);
            }
            String name = s.substring(nameStart, i).toLowerCase(Locale.ROOT);
            i = skipWs(s, i);
            if (i >= s.length() || s.charAt(i) != '=') {
                throw bad("Authorization header parameter \"" + s.substring(nameStart, nameStart + name.length())
                        + "\" has no value; " + EXAMPLE);
            }
            i = skipWs(s, i + 1);
            String value;
            if (i < s.length() && s.charAt(i) == '"') {
                StringBuilder v = new StringBuilder();
                i++;
                boolean closed = false;
                while (i < s.length()) {
                    char c = s.charAt(i++);
                    if (c == '"') {
                        closed = true;
                        break;
                    }
                    if (c == '\\' && i < s.length()) {
                        c = s.charAt(i++);
                    }
                    v.append(c);
                }
                if (!closed) {
                    throw bad("Authorization header parameter " + name + " has an unterminated quoted value");
                }
                value = v.toString();
            } else {
                int valueStart = i;
                while (i < s.length() && s.charAt(i) != ',' && !isWhitespace(s.charAt(i))) {
                    i++;
                }
                value = s.substring(valueStart, i);
            }
            if (params.put(name, value) != null) {
                throw bad("Authorization header repeats the " + name + " parameter");
            }
            i = skipWs(s, i);
            if (i < s.length()) {
                if (s.charAt(i) != ',') {
                    throw bad("Authorization header is malformed at character " + (i + 1)
                            + " (expected \",\" between parameters); " + EXAMPLE);
                }
                i = skipWs(s, i + 1);
            }
        }
        return params;
    }

    private static int skipWs(String s, int i) {
        while (i < s.length() && isWhitespace(s.charAt(i))) {
            i++;
        }
        return i;
    }

    private static boolean isWhitespace(char c) {
        return c == ' ' || c == '\t';
    }

    private static boolean isTokenChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_'
                || c == '.';
    }

    private static GantryException unsupported(String algorithm) {
        return bad("signature algorithm \"" + algorithm + "\" is not supported; supported algorithms: "
                + SignatureAlgorithm.supportedNames());
    }

    private static GantryException bad(String message) {
        return new GantryException(ErrorCode.InvalidHeader, message);
    }
}
