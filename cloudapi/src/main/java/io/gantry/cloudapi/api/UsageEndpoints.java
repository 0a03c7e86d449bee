package io.gantry.cloudapi.api;

import io.gantry.cloudapi.service.MeteringClient;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code GET /:login/usage}: the tenant's metered usage, answered by the metering service for the
 * authenticated account. Query: {@code from}, {@code to} (ISO-8601), {@code granularity}
 * (minute, hour, day, total), {@code per} (instance, total), {@code machine}.
 */
final class UsageEndpoints {
    private final MeteringClient metering;

    UsageEndpoints(MeteringClient metering) {
        this.metering = metering;
    }

    void mount(Router r) {
        r.get("/:login/usage").handler(this::usage);
    }

    private void usage(RoutingContext ctx) {
        Map<String, String> query = new LinkedHashMap<>();
        for (String name : new String[] {"from", "to", "granularity", "per", "machine"}) {
            String value = ctx.request().getParam(name);
            if (value != null) {
                query.put(name, value);
            }
        }
        Reply.with(ctx, metering.usage(Authenticate.caller(ctx).account().id, query), response -> ctx.response()
                .setStatusCode(response.statusCode())
                .putHeader("Content-Type", "application/json")
                .end(response.body() == null ? io.vertx.core.buffer.Buffer.buffer() : response.body()));
    }
}
