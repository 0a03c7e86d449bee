package io.gantry.metering.api;

import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import java.util.function.BooleanSupplier;

/** The service's own state: {@code GET /v1/ping} ({@code {"ok":true,"leader":…}}) and {@code GET /metrics} (Prometheus text). */
record ServiceEndpoints(BooleanSupplier leader, ApiObserver observer) {
    void mount(Router r) {
        RequestTimer.route(r, HttpMethod.GET, "/v1/ping").handler(ctx -> Reply.json(ctx, 200, new Views.Ping(true, leader.getAsBoolean())));
        RequestTimer.route(r, HttpMethod.GET, "/metrics")
                .handler(ctx -> Reply.text(ctx, "text/plain; version=0.0.4; charset=utf-8", observer.scrape()));
    }
}
