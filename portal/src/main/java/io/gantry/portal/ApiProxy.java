package io.gantry.portal;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.auth.User;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /api/<path>} → the cloud API's {@code /my/<path>}: same method, query and body, the signed-in user's access
 * token as {@code Authorization: Bearer}; the cloud API's status and body come back unchanged. The access token is
 * refreshed first when it expires within {@link #REFRESH_MARGIN_SECONDS}; when the provider refuses the refresh
 * token the session ends (401 InvalidCredentials), so the pages send the person to sign in again.
 */
final class ApiProxy {
    private static final Logger LOG = LoggerFactory.getLogger(ApiProxy.class);
    static final long REFRESH_MARGIN_SECONDS = 30;
    static final int TIMEOUT_MS = 60_000;
    /** Request headers the cloud API reads; nothing else of the browser's (cookies above all) goes on. */
    private static final List<String> REQUEST_HEADERS = List.of("Accept", "Content-Type", "Accept-Version", "X-Request-Id");

    private final WebClient client;
    private final String cloudApiUrl;
    private final OidcProvider provider;

    ApiProxy(WebClient client, String cloudApiUrl, OidcProvider provider) {
        this.client = client;
        this.cloudApiUrl = cloudApiUrl;
        this.provider = provider;
    }

    void handle(RoutingContext ctx) {
        SignedIn signedIn = PortalServer.signedIn(ctx);
        if (signedIn == null) {
            PortalServer.notSignedIn(ctx);
            return;
        }
        // normalizedPath has no dot segments, so /api/../ops/... cannot leave the account's /my
        String path = ctx.normalizedPath();
        if (!path.startsWith("/api/")) {
            Answers.error(ctx, 404, "ResourceNotFound", path + " does not exist");
            return;
        }
        String target = cloudApiUrl + "/my" + path.substring("/api".length())
                + (ctx.request().query() == null ? "" : "?" + ctx.request().query());
        freshToken(ctx, signedIn).onSuccess(token -> forward(ctx, target, token));
    }

    /** The access token, refreshed first if it is about to expire; fails (having answered) when it cannot be had. */
    private Future<String> freshToken(RoutingContext ctx, SignedIn signedIn) {
        if (signedIn.secondsLeft() > REFRESH_MARGIN_SECONDS) {
            return Future.succeededFuture(signedIn.accessToken());
        }
        Future<User> refresh;
        synchronized (signedIn) {
            refresh = signedIn.refreshing();
            if (refresh == null) {
                User before = signedIn.user();
                refresh = provider.get().compose(auth -> auth.refresh(before));
                signedIn.refreshing(refresh);
                refresh.onComplete(ar -> {
                    if (ar.succeeded()) {
                        signedIn.replace(ar.result());
                    }
                    signedIn.refreshing(null);
                });
            }
        }
        return refresh.map(u -> signedIn.accessToken()).onFailure(e -> {
            if (unreachable(e)) {
                Answers.error(ctx, 503, "ServiceUnavailable", "the sign-in service does not answer, so your session could not be"
                        + " renewed; try again shortly");
                return;
            }
            LOG.info("portal: refreshing {}'s token failed ({}); the session ends", signedIn.login(), e.getMessage());
            if (ctx.session() != null) {
                ctx.session().destroy();
            }
            Answers.error(ctx, 401, "InvalidCredentials", "your session ended; sign in again");
        });
    }

    private void forward(RoutingContext ctx, String target, String token) {
        HttpRequest<Buffer> request = client.requestAbs(ctx.request().method(), target).timeout(TIMEOUT_MS)
                .putHeader("Authorization", "Bearer " + token);
        MultiMap in = ctx.request().headers();
        for (String h : REQUEST_HEADERS) {
            if (in.contains(h)) {
                request.putHeader(h, in.get(h));
            }
        }
        Buffer body = ctx.body() == null ? null : ctx.body().buffer();
        Future<HttpResponse<Buffer>> sent = body == null || body.length() == 0 ? request.send() : request.sendBuffer(body);
        sent.onSuccess(response -> {
            var out = ctx.response().setStatusCode(response.statusCode());
            response.headers().forEach((name, value) -> {
                String n = name.toLowerCase(Locale.ROOT);
                if (n.equals("content-type") || n.startsWith("x-")) {
                    out.headers().add(name, value);
                }
            });
            out.putHeader("Cache-Control", "no-store");
            Buffer answer = response.body();
            out.end(answer == null ? Buffer.buffer() : answer);
        }).onFailure(e -> {
            LOG.warn("portal: the cloud API at {} did not answer: {}", cloudApiUrl, e.toString());
            Answers.error(ctx, 502, "BadGateway", "the cloud API does not answer (" + oneLine(e) + "); try again shortly");
        });
    }

    private static boolean unreachable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConnectException || t instanceof NoRouteToHostException || t instanceof UnknownHostException
                    || t instanceof io.netty.channel.ConnectTimeoutException || t instanceof java.util.concurrent.TimeoutException) {
                return true;
            }
        }
        return false;
    }

    private static String oneLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
