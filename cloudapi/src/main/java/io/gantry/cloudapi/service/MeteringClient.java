package io.gantry.cloudapi.service;

import io.gantry.common.ErrorCode;
import io.gantry.common.GantryException;
import io.gantry.common.Json;
import io.gantry.common.usage.BudgetStatus;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.gantry.tls.CaTrust;
import io.gantry.tls.TlsFiles;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cloud API's view of the metering service (another process, reached over HTTP): a tenant's
 * usage and budgets. The cloud API authenticates the tenant and names the account by its id, so a
 * tenant never sees another's figures.
 */
public final class MeteringClient {
    private static final Logger LOG = LoggerFactory.getLogger(MeteringClient.class);
    private static final int TIMEOUT_MS = 10_000;
    /** A create or start waits no longer than this for the budgets; metering enforces anyway. */
    private static final int GATE_TIMEOUT_MS = 2_000;

    private final String baseUrl;
    private final Path ca;
    private final WebClient client;

    public MeteringClient(Vertx vertx, String baseUrl) {
        this(vertx, baseUrl, null);
    }

    /** {@code ca}: a PEM file of the CA(s) metering's HTTPS certificate must come from; null: the JDK's trusted CAs. */
    public MeteringClient(Vertx vertx, String baseUrl, Path ca) {
        this.baseUrl = baseUrl == null || baseUrl.isBlank() ? null : baseUrl.replaceAll("/+$", "");
        this.ca = ca;
        WebClientOptions options = new WebClientOptions().setConnectTimeout(TIMEOUT_MS).setIdleTimeout(30).setVerifyHost(true)
                .setEnabledSecureTransportProtocols(TlsFiles.PROTOCOLS);
        if (ca != null) {
            options.setTrustOptions(new PemTrustOptions().addCertPath(ca.toString()));
        }
        this.client = WebClient.create(vertx, options);
    }

    public boolean configured() {
        return baseUrl != null;
    }

    /** Metering's answer to a usage query (200); its refusals translated by {@link #checked}. */
    public Future<HttpResponse<Buffer>> usage(UUID account, Map<String, String> query) {
        if (!configured()) {
            return Future.failedFuture(notConfigured());
        }
        var request = client.getAbs(baseUrl + "/v1/accounts/" + account + "/usage").timeout(TIMEOUT_MS);
        query.forEach(request::addQueryParam);
        return request.send().recover(e -> Future.failedFuture(unreachable(e))).map(response -> checked(response, "the usage query"));
    }

    /**
     * Fails with QuotaExceeded while one of the account's stop budgets is exceeded: a machine created
     * or started then would only be stopped again by metering. Metering unreachable or not
     * configured: allowed (metering still enforces once it is back), with a warning.
     */
    public Future<Void> checkMayRun(UUID account, String login) {
        return budgets(account, GATE_TIMEOUT_MS).recover(e -> {
            LOG.warn("stop budgets of {} not checked: {}", login, e.getMessage());
            return Future.succeededFuture(List.of());
        }).map(budgets -> {
            for (BudgetStatus b : budgets) {
                if (b.stopsMachines()) {
                    throw new GantryException(ErrorCode.QuotaExceeded, "account " + login + " is over its stop budget '" + b.name()
                            + "' (" + b.metric() + " " + b.used() + " of " + b.limit() + " this " + b.period()
                            + "); machines cannot be started or created until the period ends at " + b.periodEnd()
                            + " or an operator raises the budget");
                }
            }
            return null;
        });
    }

    /**
     * The response if metering answered 200, else its refusal in the cloud API's dialect: a bad query
     * is the tenant's InvalidArgument (409), anything else metering's fault (503).
     */
    private static HttpResponse<Buffer> checked(HttpResponse<Buffer> response, String what) {
        if (response.statusCode() == 200) {
            return response;
        }
        String message = errorMessage(response);
        throw response.statusCode() == 400
                ? new GantryException(ErrorCode.InvalidArgument, message)
                : new GantryException(ErrorCode.ServiceUnavailable, "metering answered " + response.statusCode() + " for " + what + ": "
                        + message);
    }

    private static String errorMessage(HttpResponse<Buffer> response) {
        try {
            Object message = Json.read(response.bodyAsString(), Map.class).get("message");
            if (message != null) {
                return message.toString();
            }
        } catch (RuntimeException e) {
            // not metering's error format: the body as it is
        }
        return String.valueOf(response.bodyAsString());
    }

    /** The account's budgets with what is used and what remains in the current period. */
    public Future<List<BudgetStatus>> budgets(UUID account) {
        return budgets(account, TIMEOUT_MS);
    }

    private Future<List<BudgetStatus>> budgets(UUID account, long timeoutMs) {
        if (!configured()) {
            return Future.succeededFuture(List.of());
        }
        return client.getAbs(baseUrl + "/v1/accounts/" + account + "/budgets").timeout(timeoutMs).send()
                .recover(e -> Future.failedFuture(unreachable(e)))
                .map(response -> List.of(Json.read(checked(response, "the account's budgets").bodyAsString(), BudgetStatus[].class)));
    }

    private static GantryException notConfigured() {
        return new GantryException(ErrorCode.ServiceUnavailable, "usage is not available: this cloud API has no metering service configured");
    }

    private GantryException unreachable(Throwable e) {
        if (CaTrust.isHandshakeFailure(e)) {
            LOG.error("TLS handshake with metering at {} failed: its certificate is not trusted ({}): {}", baseUrl,
                    ca == null ? "no metering CA configured: the JDK's CAs are trusted" : "not signed by the CA in " + ca, e.getMessage());
        }
        return new GantryException(ErrorCode.ServiceUnavailable, "the metering service at " + baseUrl + " cannot be reached ("
                + e.getMessage() + "); try again shortly");
    }
}
