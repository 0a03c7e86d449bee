package io.gantry.cloudapi.api;

import io.gantry.cloudapi.api.view.OperatorLimitView;
import io.gantry.cloudapi.service.LimitService;
import io.gantry.common.GantryException;
import io.gantry.common.limits.ProvisionLimit;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The operator routes, under {@code /ops}: open to operator accounts only ({@link Authenticate}
 * refuses anyone else), in the CloudAPI's error format. An account is named by its login or id.
 *
 * <pre>
 * GET    /ops/accounts/:login/limits       the account's provisioning limits
 * PUT    /ops/accounts/:login/limits/:by   create or replace the limit of that by, check and check_value ({@link LimitRequest})
 * DELETE /ops/accounts/:login/limits/:by   ?check&amp;check_value name a limit that has them
 * </pre>
 */
final class OperatorEndpoints {
    static final String PREFIX = "ops";
    private final LimitService limits;

    OperatorEndpoints(LimitService limits) {
        this.limits = limits;
    }

    void mount(Router r) {
        r.get("/ops/accounts/:login/limits").handler(this::list);
        r.put("/ops/accounts/:login/limits/:by").handler(this::put);
        r.delete("/ops/accounts/:login/limits/:by").handler(this::delete);
        // nothing else under /ops falls through to the tenant routes (/:login/...)
        r.route("/ops/*").handler(ctx -> Reply.error(ctx, GantryException.notFound(ctx.request().method() + " " + ctx.request().path()
                + " is not a resource of this API")));
    }

    private void list(RoutingContext ctx) {
        Reply.with(ctx, limits.list(Authenticate.caller(ctx), ctx.pathParam("login")),
                list -> Reply.json(ctx, 200, list.stream().map(OperatorLimitView::of).toList()));
    }

    private void put(RoutingContext ctx) {
        var caller = Authenticate.caller(ctx);
        ProvisionLimit limit = LimitRequest.parse(ctx.pathParam("by"), ctx.body().buffer() == null ? null : ctx.body().buffer().getBytes());
        Reply.with(ctx, limits.put(caller, ctx.pathParam("login"), limit), put -> Reply.json(ctx, 200, OperatorLimitView.of(put)));
    }

    private void delete(RoutingContext ctx) {
        var caller = Authenticate.caller(ctx);
        ProvisionLimit.Scope scope = LimitRequest.scope(ctx.pathParam("by"), query(ctx));
        Reply.with(ctx, limits.delete(caller, ctx.pathParam("login"), scope), v -> Reply.empty(ctx, 204));
    }

    private static Map<String, String> query(RoutingContext ctx) {
        Map<String, String> query = new LinkedHashMap<>();
        ctx.queryParams().forEach(e -> query.putIfAbsent(e.getKey(), e.getValue()));
        return query;
    }
}
