package io.gantry.metering.api;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/** What every handler reads from a request, and how a store's answer comes back onto the request's context. */
final class Requests {
    private Requests() {
    }

    /** The query string, the first value of each name. */
    static Map<String, String> params(RoutingContext ctx) {
        Map<String, String> out = new LinkedHashMap<>();
        ctx.queryParams().forEach(e -> out.putIfAbsent(e.getKey(), e.getValue()));
        return out;
    }

    /** The body's bytes, null when there is none. */
    static byte[] body(RoutingContext ctx) {
        Buffer buffer = ctx.body().buffer();
        return buffer == null ? null : buffer.getBytes();
    }

    /** A store's result as a future completed on the Vert.x context of the caller (the request's event loop). */
    static <T> Future<T> on(RoutingContext ctx, CompletionStage<T> stage) {
        return Future.fromCompletionStage(stage, ctx.vertx().getOrCreateContext());
    }
}
