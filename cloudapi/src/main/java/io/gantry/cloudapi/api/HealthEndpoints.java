package io.gantry.cloudapi.api;

import io.gantry.cloudapi.health.HealthService;
import io.vertx.ext.web.Router;

/**
 * {@code GET /ops/health}: the operators' health report of every role, the nodes, PostgreSQL and ZooKeeper. It
 * answers 200 whatever the status it reports (the status is the report's, not the request's).
 */
final class HealthEndpoints {
    private final HealthService health;

    HealthEndpoints(HealthService health) {
        this.health = health;
    }

    void mount(Router r) {
        r.get("/ops/health").handler(ctx -> Reply.with(ctx, health.report(), report -> Reply.json(ctx, 200, report)));
    }
}
