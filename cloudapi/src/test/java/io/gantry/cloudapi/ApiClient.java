package io.gantry.cloudapi;

import io.gantry.common.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.Signature;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.Map;

/** A Triton-style client for tests: signs the date header with an account's RSA key, as the triton CLI does. */
final class ApiClient {
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final String base;
    final String account;
    private final String fingerprint;
    private final java.util.function.Function<byte[], byte[]> signer;
    private final String algorithm;
    ZonedDateTime fixedDate;

    ApiClient(String base, String account, String fingerprint, KeyPair key) {
        this(base, account, fingerprint, key, "rsa-sha256", "SHA256withRSA");
    }

    /** Signs with {@code jcaAlgorithm} and names it {@code algorithm} in the header (e.g. ecdsa-sha256 / SHA256withECDSA). */
    ApiClient(String base, String account, String fingerprint, KeyPair key, String algorithm, String jcaAlgorithm) {
        this(base, account, fingerprint, algorithm, data -> {
            try {
                Signature s = Signature.getInstance(jcaAlgorithm);
                s.initSign(key.getPrivate());
                s.update(data);
                return s.sign();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /** Signs with any {@code signer} (the signature bytes over the signing string), named {@code algorithm}. */
    ApiClient(String base, String account, String fingerprint, String algorithm, java.util.function.Function<byte[], byte[]> signer) {
        this.base = base;
        this.account = account;
        this.fingerprint = fingerprint;
        this.algorithm = algorithm;
        this.signer = signer;
    }

    record Reply(int status, String body, java.net.http.HttpHeaders headers) {
        @SuppressWarnings("unchecked")
        Map<String, Object> json() {
            return Json.read(body, Map.class);
        }

        java.util.List<Object> list() {
            return Json.read(body, java.util.List.class);
        }
    }

    Reply get(String path) {
        return send("GET", path, null);
    }

    Reply post(String path, Object body) {
        return send("POST", path, body);
    }

    Reply put(String path, String rawJson) {
        return sendRaw("PUT", path, rawJson);
    }

    Reply delete(String path) {
        return send("DELETE", path, null);
    }

    Reply send(String method, String path, Object body) {
        return sendRaw(method, path, body == null ? null : Json.write(body));
    }

    /** Sends {@code rawJson} (null: no body) as it is, so a test can send what no serializer would write. */
    Reply sendRaw(String method, String path, String rawJson) {
        String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(fixedDate != null ? fixedDate : ZonedDateTime.now(java.time.ZoneOffset.UTC));
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(java.time.Duration.ofSeconds(20))
                .header("Date", date)
                .header("Accept", "application/json")
                .header("Authorization", authorization(date));
        if (rawJson != null) {
            b.header("Content-Type", "application/json");
            b.method(method, HttpRequest.BodyPublishers.ofString(rawJson));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(r.statusCode(), r.body(), r.headers());
        } catch (Exception e) {
            throw new IllegalStateException(method + " " + path + " failed: " + e, e);
        }
    }

    String authorization(String date) {
        try {
            String sig = Base64.getEncoder().encodeToString(signer.apply(("date: " + date).getBytes(StandardCharsets.UTF_8)));
            return "Signature keyId=\"/" + account + "/keys/" + fingerprint + "\",algorithm=\"" + algorithm + "\",headers=\"date\",signature=\"" + sig + "\"";
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
