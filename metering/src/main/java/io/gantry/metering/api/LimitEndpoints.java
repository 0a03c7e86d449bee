package io.gantry.metering.api;

import static io.gantry.metering.api.Requests.on;

import io.gantry.common.GantryException;
import io.gantry.common.limits.ProvisionLimit;
import io.gantry.metering.store.LimitStore;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * The provisioning limits the cloud API admits an account's machines by: list them, create or
 * replace the limit of a {@code by} (and {@code check}, {@code check_value}; see {@link LimitRequest}),
 * delete one. All need an account of the cloud API.
 */
record LimitEndpoints(LimitStore limits, AccountLookup accounts) {
    void mount(Router r, BodyHandler body) {
        RequestTimer.route(r, HttpMethod.GET, "/v1/accounts/:account/limits").handler(this::list);
        RequestTimer.route(r, HttpMethod.PUT, "/v1/accounts/:account/limits/:by").handler(body).handler(this::put);
        RequestTimer.route(r, HttpMethod.DELETE, "/v1/accounts/:account/limits/:by").handler(this::delete);
    }

    private void list(RoutingContext ctx) {
        Reply.with(ctx, accounts.cloudAccount(ctx, "limits").compose(account -> on(ctx, limits.list(account)))
                .map(list -> list.stream().map(Views.Limit::of).toList()), list -> Reply.json(ctx, 200, list));
    }

    private void put(RoutingContext ctx) {
        ProvisionLimit limit = LimitRequest.parse(ctx.pathParam("by"), Requests.body(ctx));
        Reply.with(ctx, accounts.cloudAccount(ctx, "limits").compose(account -> on(ctx, limits.put(account, limit))),
                put -> Reply.json(ctx, 200, Views.Limit.of(put)));
    }

    private void delete(RoutingContext ctx) {
        ProvisionLimit.Scope scope = LimitRequest.scope(ctx.pathParam("by"), Requests.params(ctx));
        Reply.with(ctx, accounts.cloudAccount(ctx, "limits").compose(account -> on(ctx, limits.delete(account, scope)).map(deleted -> {
            if (!deleted) {
                throw GantryException.notFound("account " + account.login() + " has no " + scope.describe());
            }
            return deleted;
        })), v -> Reply.deleted(ctx));
    }
}
