package io.gantry.platform;

import io.gantry.common.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.Signature;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * A Triton-style HTTP client for tests: signs the date header with the account's RSA key
 * ({@code headers="date"}, rsa-sha256), as the cloud API's own test client does. A copy of
 * cloudapi's test ApiClient, which platform cannot import.
 */
final class SignedClient {
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final String account;
    private final String fingerprint;
    private final KeyPair key;

    SignedClient(String base, String account, String fingerprint, KeyPair key) {
        this.base = base;
        this.account = account;
        this.fingerprint = fingerprint;
        this.key = key;
    }

    record Reply(int status, String body) {
        @SuppressWarnings("unchecked")
        Map<String, Object> json() {
            return Json.read(body, Map.class);
        }

        @SuppressWarnings("unchecked")
        List<Map<String, Object>> list() {
            return Json.read(body, List.class);
        }

        String state() {
            return String.valueOf(json().get("state"));
        }

        @Override
        public String toString() {
            return status + " " + body;
        }
    }

    Reply get(String path) {
        return send("GET", path, null);
    }

    Reply post(String path, Object body) {
        return send("POST", path, body);
    }

    Reply delete(String path) {
        return send("DELETE", path, null);
    }

    Reply send(String method, String path, Object body) {
        String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC));
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(15))
                .header("Date", date)
                .header("Accept", "application/json")
                .header("Authorization", authorization(date));
        if (body != null) {
            b.header("Content-Type", "application/json");
            b.method(method, HttpRequest.BodyPublishers.ofString(Json.write(body)));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(r.statusCode(), r.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(method + " " + path + " interrupted", e);
        } catch (Exception e) {
            throw new IllegalStateException(method + " " + path + " failed: " + e, e);
        }
    }

    private String authorization(String date) {
        try {
            Signature s = Signature.getInstance("SHA256withRSA");
            s.initSign(key.getPrivate());
            s.update(("date: " + date).getBytes(StandardCharsets.UTF_8));
            String sig = Base64.getEncoder().encodeToString(s.sign());
            return "Signature keyId=\"/" + account + "/keys/" + fingerprint + "\",algorithm=\"rsa-sha256\",headers=\"date\",signature=\""
                    + sig + "\"";
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
