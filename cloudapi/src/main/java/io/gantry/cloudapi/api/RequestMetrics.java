package io.gantry.cloudapi.api;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;

/**
 * Times every request into {@code gantry_api_requests} by method, route and status. The route is
 * the path with the login and any identifier replaced ({@code /:login/machines/:id}), so the number
 * of series stays small whatever paths clients send.
 */
final class RequestMetrics implements Handler<RoutingContext> {
    private static final Set<String> RESOURCES = Set.of("machines", "keys", "packages", "images", "networks", "limits", "usage",
            "datacenters", "services", "fwrules", "tags", "metadata", "audit", "config", "users", "roles", "policies", "snapshots", "disks", "nics");

    private final MeterRegistry registry;

    RequestMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void handle(RoutingContext ctx) {
        Timer.Sample sample = Timer.start(registry);
        String method = ctx.request().method().name();
        String route = route(ctx.request().path());
        ctx.addEndHandler(done -> sample.stop(Timer.builder("gantry_api_requests")
                .description("Cloud API requests by method, route and status")
                .tags("method", method, "route", route, "status", Integer.toString(ctx.response().getStatusCode()))
                .publishPercentileHistogram()
                .register(registry)));
        ctx.next();
    }

    static String route(String path) {
        if (path == null || path.isEmpty() || path.equals("/")) {
            return "/";
        }
        if (path.equals("/--ping")) {
            return path;
        }
        String[] parts = path.substring(1).split("/", -1);
        StringBuilder out = new StringBuilder("/:login");
        for (int i = 1; i < parts.length && i < 5; i++) {
            out.append('/').append(RESOURCES.contains(parts[i]) ? parts[i] : ":id");
        }
        if (parts.length > 5) {
            out.append("/...");
        }
        return out.toString();
    }
}
