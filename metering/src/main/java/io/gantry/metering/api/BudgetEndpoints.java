package io.gantry.metering.api;

import static io.gantry.metering.api.Requests.on;

import io.gantry.common.GantryException;
import io.gantry.metering.store.BudgetStore;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Clock;
import java.time.Instant;

/**
 * An account's budgets: list them with their use in the current period, create or replace one
 * ({@link BudgetRequest}), delete one. Creating and deleting need an account of the cloud API.
 */
record BudgetEndpoints(BudgetStore budgets, AccountLookup accounts, Clock clock) {
    void mount(Router r, BodyHandler body) {
        RequestTimer.route(r, HttpMethod.GET, "/v1/accounts/:account/budgets").handler(this::list);
        RequestTimer.route(r, HttpMethod.PUT, "/v1/accounts/:account/budgets/:name").handler(body).handler(this::put);
        RequestTimer.route(r, HttpMethod.DELETE, "/v1/accounts/:account/budgets/:name").handler(this::delete);
    }

    private void list(RoutingContext ctx) {
        Instant now = clock.instant();
        Reply.with(ctx, accounts.account(ctx).compose(account -> on(ctx, budgets.states(now, account.id(), null)))
                .map(states -> states.stream().map(Views::budget).toList()), list -> Reply.json(ctx, 200, list));
    }

    private void put(RoutingContext ctx) {
        Instant now = clock.instant();
        BudgetRequest req = BudgetRequest.parse(ctx.pathParam("name"), Requests.body(ctx));
        Reply.with(ctx, accounts.cloudAccount(ctx, "budgets").compose(account -> on(ctx, budgets.put(account, req.name(), req.metric(),
                req.limit(), req.period(), req.policy(), req.throttleCpuCap(), now))), state -> Reply.json(ctx, 200, Views.budget(state)));
    }

    private void delete(RoutingContext ctx) {
        String name = ctx.pathParam("name");
        Reply.with(ctx, accounts.cloudAccount(ctx, "budgets").compose(account -> on(ctx, budgets.delete(account, name)).map(deleted -> {
            if (!deleted) {
                throw GantryException.notFound("account " + account.login() + " has no budget named '" + name + "'");
            }
            return deleted;
        })), v -> Reply.deleted(ctx));
    }
}
