package io.gantry.bench.portal;

import io.gantry.common.Json;
import io.gantry.testkit.SignedClient.Reply;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * The cloud API called with a Keycloak access token ({@code Authorization: Bearer}), as the portal calls it for the
 * signed-in person; the token comes from the realm's password grant on the public client {@code gantry-cli}.
 */
final class BearerClient {
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final String token;

    private BearerClient(String base, String token) {
        this.base = base;
        this.token = token;
    }

    /** A client of the API at {@code base} holding {@code user}'s access token from the realm {@code issuer}. */
    static BearerClient signIn(String base, String issuer, String user, String password) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        String form = "grant_type=password&client_id=gantry-cli&scope=openid&username=" + enc(user) + "&password=" + enc(password);
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(issuer + "/protocol/openid-connect/token"))
                .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("password grant for " + user + " answered " + r.statusCode() + ": " + r.body());
        }
        Object token = Json.read(r.body(), Map.class).get("access_token");
        if (token == null) {
            throw new IllegalStateException("password grant for " + user + " gave no access token: " + r.body());
        }
        return new BearerClient(base, token.toString());
    }

    HttpRequest request(String method, String path, String jsonBody) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .header("Accept", "application/json").header("Authorization", "Bearer " + token);
        if (jsonBody != null) {
            b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(jsonBody));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        return b.build();
    }

    Reply get(String path) {
        return send("GET", path, null);
    }

    Reply post(String path, Object body) {
        return send("POST", path, Json.write(body));
    }

    private Reply send(String method, String path, String jsonBody) {
        try {
            HttpResponse<String> r = http.send(request(method, path, jsonBody), HttpResponse.BodyHandlers.ofString());
            return new Reply(r.statusCode(), r.body(), r.headers());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(method + " " + path + " interrupted", e);
        } catch (Exception e) {
            throw new IllegalStateException(method + " " + path + " failed: " + e, e);
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
