package io.gantry.metering.api;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.PlatformHandler;

/**
 * Times every request for {@link ApiObserver#request}, under the route template it matched
 * ({@code unmatched} when none did). Routes are mounted through {@link #route} so each carries its template.
 */
final class RequestTimer implements Handler<RoutingContext> {
    private static final String ROUTE = "route";

    private final ApiObserver observer;

    RequestTimer(ApiObserver observer) {
        this.observer = observer;
    }

    @Override
    public void handle(RoutingContext ctx) {
        long start = System.nanoTime();
        String method = ctx.request().method().name();
        ctx.addEndHandler(v -> {
            String route = ctx.get(ROUTE);
            observer.request(route == null ? "unmatched" : route, method, ctx.response().getStatusCode(), System.nanoTime() - start);
        });
        ctx.next();
    }

    /** Mounts {@code method path}, tagged with {@code path} as its template; add the route's handlers to what it returns. */
    static Route route(Router r, HttpMethod method, String path) {
        return r.route(method, path).handler(named(path));
    }

    /**
     * Tags the request with its route template. A platform handler, so it may come before a route's
     * body handler (and a refused body is still counted under its route).
     */
    private static Handler<RoutingContext> named(String path) {
        return (PlatformHandler) ctx -> {
            ctx.put(ROUTE, path);
            ctx.next();
        };
    }
}
