package io.gantry.cloudapi.api;

import io.gantry.cloudapi.service.AccountService;
import io.gantry.cloudapi.service.MachineService;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;

/** The account itself, its SSH keys and its provisioning limits. */
final class AccountEndpoints {
    private final AccountService accounts;
    private final MachineService machines;

    AccountEndpoints(AccountService accounts, MachineService machines) {
        this.accounts = accounts;
        this.machines = machines;
    }

    void mount(Router r) {
        r.get("/:login").handler(ctx -> Reply.json(ctx, 200, Views.account(Authenticate.caller(ctx).account())));
        r.post("/:login").handler(this::update);
        r.get("/:login/keys").handler(ctx -> Reply.with(ctx, accounts.keys(Authenticate.caller(ctx)),
                keys -> Reply.json(ctx, 200, keys.stream().map(Views::key).toList())));
        r.get("/:login/keys/:key").handler(ctx -> Reply.with(ctx, accounts.key(Authenticate.caller(ctx), ctx.pathParam("key")),
                k -> Reply.json(ctx, 200, Views.key(k))));
        r.post("/:login/keys").handler(this::addKey);
        r.delete("/:login/keys/:key").handler(ctx -> Reply.with(ctx, accounts.deleteKey(Authenticate.caller(ctx), ctx.pathParam("key")),
                v -> Reply.empty(ctx, 204)));
        r.get("/:login/limits").handler(ctx -> Reply.with(ctx, machines.limitUsage(Authenticate.caller(ctx)),
                usage -> Reply.json(ctx, 200, usage.stream().map(Views::limit).toList())));
    }

    private void update(RoutingContext ctx) {
        Map<String, Object> p = Params.of(ctx);
        Reply.with(ctx, accounts.update(Authenticate.caller(ctx), p), a -> Reply.json(ctx, 200, Views.account(a)));
    }

    private void addKey(RoutingContext ctx) {
        Map<String, Object> p = Params.of(ctx);
        Reply.with(ctx, accounts.addKey(Authenticate.caller(ctx), Params.string(p, "name"), Params.string(p, "key")),
                k -> Reply.json(ctx, 201, Views.key(k)));
    }
}
