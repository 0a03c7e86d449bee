package io.gantry.platform;

import io.gantry.cloudapi.auth.RequestSigner;
import io.gantry.common.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.KeyPair;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;

/**
 * A Triton-style HTTP client for tests: signs each request with the account's key through the
 * cloud API's own {@link RequestSigner} (the one {@code gantry limit} signs with).
 */
final class SignedClient {
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final RequestSigner signer;

    /** {@code fingerprint} is the key's, as registered; the signer derives it from {@code key} too. */
    SignedClient(String base, String account, String fingerprint, KeyPair key) {
        this.base = base;
        this.signer = RequestSigner.of(account, key);
        if (!signer.keyId().endsWith("/keys/" + fingerprint)) {
            throw new IllegalArgumentException("fingerprint " + fingerprint + " is not the key's (" + signer.keyId() + ")");
        }
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
        URI uri = URI.create(base + path);
        HttpRequest.Builder b = HttpRequest.newBuilder(uri)
                .timeout(Duration.ofSeconds(15))
                .header("Accept", "application/json");
        signer.headers(method, uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()), ZonedDateTime.now(ZoneOffset.UTC))
                .forEach(b::header);
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
}
