package io.gantry.cloudapi.api;

import io.gantry.cloudapi.api.view.AccountView;
import io.gantry.cloudapi.api.view.BudgetView;
import io.gantry.cloudapi.api.view.KeyView;
import io.gantry.cloudapi.api.view.LimitView;
import io.gantry.cloudapi.service.AccountService;
import io.gantry.cloudapi.service.MachineService;
import io.gantry.cloudapi.service.MeteringClient;
import io.gantry.common.ErrorCode;
import io.gantry.common.GantryException;
import io.gantry.common.usage.BudgetStatus;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The account itself, its SSH keys, and its bounds: provisioning limits and usage budgets. */
final class AccountEndpoints {
    private static final Logger LOG = LoggerFactory.getLogger(AccountEndpoints.class);
    private final AccountService accounts;
    private final MachineService machines;
    private final MeteringClient metering;

    AccountEndpoints(AccountService accounts, MachineService machines, MeteringClient metering) {
        this.accounts = accounts;
        this.machines = machines;
        this.metering = metering;
    }

    void mount(Router r) {
        r.get("/:login").handler(ctx -> Reply.json(ctx, 200, AccountView.of(Authenticate.caller(ctx).account())));
        r.post("/:login").handler(this::update);
        r.get("/:login/keys").handler(ctx -> Reply.with(ctx, accounts.keys(Authenticate.caller(ctx)),
                keys -> Reply.json(ctx, 200, keys.stream().map(KeyView::of).toList())));
        r.get("/:login/keys/:key").handler(ctx -> Reply.with(ctx, accounts.key(Authenticate.caller(ctx), ctx.pathParam("key")),
                k -> Reply.json(ctx, 200, KeyView.of(k))));
        r.post("/:login/keys").handler(this::addKey);
        r.delete("/:login/keys/:key").handler(ctx -> Reply.with(ctx, accounts.deleteKey(Authenticate.caller(ctx), ctx.pathParam("key")),
                v -> Reply.empty(ctx, 204)));
        r.get("/:login/limits").handler(this::limits);
        r.get("/:login/budgets").handler(this::budgets);
    }

    /**
     * The account's usage budgets from metering, each with what is used and what remains in the current period;
     * read-only (operators set them). 503 when this API has no metering service or it cannot be reached.
     */
    private void budgets(RoutingContext ctx) {
        var caller = Authenticate.caller(ctx);
        if (!metering.configured()) {
            Reply.error(ctx, new GantryException(ErrorCode.ServiceUnavailable,
                    "budgets are not available: this cloud API has no metering service configured"));
            return;
        }
        Reply.with(ctx, metering.budgets(caller.account().id), b -> Reply.json(ctx, 200, b.stream().map(BudgetView::of).toList()));
    }

    /**
     * Triton's provisioning limits, each with {@code used} and {@code remaining}, followed by the
     * account's usage budgets from metering. If metering cannot be reached the limits still answer,
     * without budgets, and the header {@code Gantry-Budgets: unavailable} says so.
     */
    private void limits(RoutingContext ctx) {
        var caller = Authenticate.caller(ctx);
        Future<List<BudgetStatus>> budgets = metering.budgets(caller.account().id).recover(e -> {
            LOG.warn("budgets of {} left out of its limits: {}", caller.account().login, e.getMessage());
            ctx.response().putHeader("Gantry-Budgets", "unavailable");
            return Future.succeededFuture(List.of());
        });
        Reply.with(ctx, machines.limitUsage(caller).compose(usage -> budgets.map(b -> {
            List<Object> out = new ArrayList<>(); // the limits, then the budgets
            usage.forEach(u -> out.add(LimitView.of(u)));
            b.forEach(budget -> out.add(BudgetView.of(budget)));
            return out;
        })), all -> Reply.json(ctx, 200, all));
    }

    private void update(RoutingContext ctx) {
        Map<String, Object> p = Params.of(ctx);
        Reply.with(ctx, accounts.update(Authenticate.caller(ctx), p), a -> Reply.json(ctx, 200, AccountView.of(a)));
    }

    private void addKey(RoutingContext ctx) {
        Map<String, Object> p = Params.of(ctx);
        Reply.with(ctx, accounts.addKey(Authenticate.caller(ctx), Params.string(p, "name"), Params.string(p, "key")),
                k -> Reply.json(ctx, 201, KeyView.of(k)));
    }
}
