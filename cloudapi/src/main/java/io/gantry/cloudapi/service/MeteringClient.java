package io.gantry.cloudapi.service;

import io.gantry.common.ErrorCode;
import io.gantry.common.GantryException;
import io.gantry.common.Json;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The cloud API's view of the metering service (another process, reached over HTTP): a tenant's
 * usage and budgets. The cloud API authenticates the tenant and names the account by its id, so a
 * tenant never sees another's figures.
 */
public final class MeteringClient {
    private static final int TIMEOUT_MS = 10_000;

    private final String baseUrl;
    private final WebClient client;

    public MeteringClient(Vertx vertx, String baseUrl) {
        this.baseUrl = baseUrl == null || baseUrl.isBlank() ? null : baseUrl.replaceAll("/+$", "");
        this.client = WebClient.create(vertx, new WebClientOptions().setConnectTimeout(TIMEOUT_MS).setIdleTimeout(30));
    }

    public boolean configured() {
        return baseUrl != null;
    }

    /** Metering's answer to a usage query, passed on as it is (status and body). */
    public Future<HttpResponse<Buffer>> usage(UUID account, Map<String, String> query) {
        if (!configured()) {
            return Future.failedFuture(notConfigured());
        }
        var request = client.getAbs(baseUrl + "/v1/accounts/" + account + "/usage").timeout(TIMEOUT_MS);
        query.forEach(request::addQueryParam);
        return request.send().recover(e -> Future.failedFuture(unreachable(e)));
    }

    /** The account's budgets with what is used and what remains in the current period. */
    @SuppressWarnings("unchecked")
    public Future<List<Map<String, Object>>> budgets(UUID account) {
        if (!configured()) {
            return Future.succeededFuture(List.of());
        }
        return client.getAbs(baseUrl + "/v1/accounts/" + account + "/budgets").timeout(TIMEOUT_MS).send()
                .recover(e -> Future.failedFuture(unreachable(e)))
                .map(response -> {
                    if (response.statusCode() != 200) {
                        throw new GantryException(ErrorCode.ServiceUnavailable, "metering answered " + response.statusCode()
                                + " for the account's budgets: " + response.bodyAsString());
                    }
                    return (List<Map<String, Object>>) (List<?>) Json.read(response.bodyAsString(), List.class);
                });
    }

    private static GantryException notConfigured() {
        return new GantryException(ErrorCode.ServiceUnavailable, "usage is not available: this cloud API has no metering service configured");
    }

    private GantryException unreachable(Throwable e) {
        return new GantryException(ErrorCode.ServiceUnavailable, "the metering service at " + baseUrl + " cannot be reached ("
                + e.getMessage() + "); try again shortly");
    }
}
