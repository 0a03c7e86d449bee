package io.gantry.testkit;

import io.gantry.common.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.KeyPair;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A tenant's HTTP client of the cloud API, for tests and benches: every request carries a Date
 * header and an Authorization header signed by an {@link HttpSigner}, over the date only (as the
 * triton CLI may), or {@link #likeTritonCli() exactly as the triton CLI does by default}.
 */
public final class SignedClient {
    /** As the triton CLI sends it (JavaScript's toUTCString): two-digit day, always GMT. */
    private static final DateTimeFormatter TRITON_CLI_DATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final HttpSigner signer;
    private volatile ZonedDateTime fixedDate;
    private volatile boolean likeTritonCli;

    public SignedClient(String base, HttpSigner signer) {
        this.base = base;
        this.signer = signer;
    }

    /** Signs with an RSA key, rsa-sha256. */
    public SignedClient(String base, String account, String fingerprint, KeyPair key) {
        this(base, HttpSigner.rsa(account, fingerprint, key));
    }

    /** Signs with {@code jcaAlgorithm} and names it {@code algorithm} in the header (e.g. ecdsa-sha256 / SHA256withECDSA). */
    public SignedClient(String base, String account, String fingerprint, KeyPair key, String algorithm, String jcaAlgorithm) {
        this(base, HttpSigner.of(account, fingerprint, key, algorithm, jcaAlgorithm));
    }

    /** An answer: status, body and headers. */
    public record Reply(int status, String body, HttpHeaders headers) {
        @SuppressWarnings("unchecked")
        public Map<String, Object> json() {
            return Json.read(body, Map.class);
        }

        @SuppressWarnings("unchecked")
        public List<Map<String, Object>> list() {
            return Json.read(body, List.class);
        }

        /** The "state" of the machine the body describes. */
        public String state() {
            return String.valueOf(json().get("state"));
        }

        @Override
        public String toString() {
            return status + " " + body;
        }
    }

    public String account() {
        return signer.account();
    }

    /** Dates every later request {@code date} instead of now (to test the allowed clock skew). */
    public SignedClient fixedDate(ZonedDateTime date) {
        this.fixedDate = date;
        return this;
    }

    /** From now on signs "(request-target) date" and writes the date as the triton CLI does by default. */
    public SignedClient likeTritonCli() {
        this.likeTritonCli = true;
        return this;
    }

    public Reply get(String path) {
        return send("GET", path, null);
    }

    public Reply post(String path, Object body) {
        return send("POST", path, body);
    }

    public Reply delete(String path) {
        return send("DELETE", path, null);
    }

    /** PUTs {@code rawJson} as it is, so a test can send what no serializer would write. */
    public Reply put(String path, String rawJson) {
        return sendRaw("PUT", path, rawJson);
    }

    /** Sends {@code method path} with {@code body} (written as JSON; none if null) and waits for the answer. */
    public Reply send(String method, String path, Object body) {
        return sendRaw(method, path, body == null ? null : Json.write(body));
    }

    /** Sends {@code rawJson} (null: no body) as it is and waits for the answer. */
    public Reply sendRaw(String method, String path, String rawJson) {
        try {
            HttpResponse<String> r = http.send(request(method, path, rawJson), HttpResponse.BodyHandlers.ofString());
            return new Reply(r.statusCode(), r.body(), r.headers());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(method + " " + path + " interrupted", e);
        } catch (Exception e) {
            throw new IllegalStateException(method + " " + path + " failed: " + e, e);
        }
    }

    /** The signed request, dated now, for a caller that sends it itself (e.g. a benchmark's own loop). */
    public HttpRequest request(String method, String path, String jsonBody) {
        String date = date();
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(20))
                .header("Date", date)
                .header("Accept", "application/json")
                .header("Authorization", signer.authorization(method, path, date, likeTritonCli));
        if (jsonBody != null) {
            b.header("Content-Type", "application/json");
            b.method(method, HttpRequest.BodyPublishers.ofString(jsonBody));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        return b.build();
    }

    /** The Authorization value for a request of this client's dated {@code date}, over the date only. */
    public String authorization(String date) {
        return signer.authorization("GET", "/", date, false);
    }

    private String date() {
        ZonedDateTime at = fixedDate != null ? fixedDate : ZonedDateTime.now(ZoneOffset.UTC);
        return likeTritonCli ? TRITON_CLI_DATE.format(at) : DateTimeFormatter.RFC_1123_DATE_TIME.format(at);
    }
}
