package io.gantry.testkit;

import io.gantry.common.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * A client of the cloud API that authenticates with a bearer token ({@code Authorization: Bearer <token>}), as the
 * portal and OIDC-aware tools do; answers as {@link SignedClient.Reply}.
 */
public final class BearerClient {
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final String authorization;

    /** Sends {@code token} as it is, after "Bearer ". */
    public BearerClient(String base, String token) {
        this(base, token, "Bearer ");
    }

    private BearerClient(String base, String token, String scheme) {
        this.base = base;
        this.authorization = scheme + token;
    }

    /** A client sending {@code authorization} as the whole header value (e.g. to test other schemes or spellings). */
    public static BearerClient withHeader(String base, String authorization) {
        return new BearerClient(base, authorization, "");
    }

    public SignedClient.Reply get(String path) {
        return send("GET", path, null);
    }

    public SignedClient.Reply post(String path, Object body) {
        return send("POST", path, body);
    }

    public SignedClient.Reply delete(String path) {
        return send("DELETE", path, null);
    }

    /** Sends {@code method path} with {@code body} (written as JSON; none if null) and waits for the answer. */
    public SignedClient.Reply send(String method, String path, Object body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(20))
                .header("Accept", "application/json")
                .header("Authorization", authorization);
        if (body != null) {
            b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(Json.write(body)));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new SignedClient.Reply(r.statusCode(), r.body(), r.headers());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(method + " " + path + " interrupted", e);
        } catch (Exception e) {
            throw new IllegalStateException(method + " " + path + " failed: " + e, e);
        }
    }
}
