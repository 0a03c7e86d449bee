package io.gantry.metering.api;

import static io.gantry.metering.api.Requests.on;

import io.gantry.metering.store.UsageStore;
import io.gantry.metering.usage.Figures;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;

/** {@code GET /v1/export?from&to&format=csv|json}: the billing export, one row per account × machine × UTC day. */
record ExportEndpoints(UsageStore usage, Clock clock) {
    void mount(Router r) {
        RequestTimer.route(r, HttpMethod.GET, "/v1/export").handler(this::export);
    }

    private void export(RoutingContext ctx) {
        ExportQuery q = ExportQuery.parse(Requests.params(ctx), clock.instant());
        Reply.with(ctx, on(ctx, usage.export(q.from(), q.to())).map(records -> records.stream()
                .map(r -> new ExportRow(r.day(), r.account(), r.login(), r.machine(), r.packageName(), Figures.of(r.sums())))
                .toList()), rows -> {
                    if (q.json()) {
                        Reply.json(ctx, 200, new Views.Export(q.from(), q.to(), rows));
                    } else {
                        ctx.response().putHeader("Content-Disposition", "attachment; filename=\"gantry-usage.csv\"");
                        Reply.text(ctx, "text/csv; charset=utf-8", ExportRow.csv(rows));
                    }
                });
    }
}
