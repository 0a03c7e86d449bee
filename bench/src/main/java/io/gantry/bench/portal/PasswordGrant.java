package io.gantry.bench.portal;

import io.gantry.common.Json;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/** A person's access token from a Keycloak realm's password grant (the public client {@code gantry-cli} allows it). */
final class PasswordGrant {
    private PasswordGrant() {
    }

    static String accessToken(String issuer, String client, String user, String password) throws Exception {
        String form = "grant_type=password&client_id=" + enc(client) + "&username=" + enc(user) + "&password=" + enc(password);
        HttpResponse<String> r = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(issuer + "/protocol/openid-connect/token")).timeout(Duration.ofSeconds(30))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(form)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("password grant for " + user + " answered " + r.statusCode() + ": " + r.body());
        }
        Object token = Json.read(r.body(), Map.class).get("access_token");
        if (token == null) {
            throw new IllegalStateException("password grant for " + user + " gave no access token: " + r.body());
        }
        return token.toString();
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
