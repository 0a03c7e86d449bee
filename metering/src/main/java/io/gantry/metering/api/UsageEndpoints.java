package io.gantry.metering.api;

import static io.gantry.metering.api.Requests.on;

import io.gantry.metering.store.UsageStore;
import io.gantry.metering.usage.Figures;
import io.gantry.metering.usage.Granularity;
import io.gantry.metering.usage.Sums;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code GET /v1/accounts/:account/usage}: an account's roll-ups by minute, hour, day or in total,
 * per instance or for the account as a whole (query: see {@link UsageQuery}).
 */
record UsageEndpoints(UsageStore usage, AccountLookup accounts, Clock clock, Duration minuteRetention) {
    void mount(Router r) {
        RequestTimer.route(r, HttpMethod.GET, "/v1/accounts/:account/usage").handler(this::usage);
    }

    private void usage(RoutingContext ctx) {
        Instant now = clock.instant();
        UsageQuery q = UsageQuery.parse(Requests.params(ctx), now, minuteRetention);
        Granularity source = q.source(now);
        Reply.with(ctx, accounts.account(ctx).compose(account -> on(ctx, usage.usage(account, source, q.from(), q.to(),
                q.granularity() != null, q.perInstance(), q.machine())).map(rows -> {
                    List<Views.UsageRow> out = new ArrayList<>(rows.size());
                    Sums total = Sums.ZERO;
                    for (UsageStore.Row row : rows) {
                        out.add(new Views.UsageRow(row.start() == null ? q.from() : row.start(), row.machine(), row.packageName(),
                                Figures.of(row.sums())));
                        total = total.plus(row.sums());
                    }
                    return new Views.Usage(account.login(), q.from(), q.to(), q.granularityName(), q.perInstance() ? "instance" : "total",
                            out, Figures.of(total));
                })), view -> Reply.json(ctx, 200, view));
    }
}
