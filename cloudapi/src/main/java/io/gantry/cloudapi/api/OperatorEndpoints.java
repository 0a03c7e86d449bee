package io.gantry.cloudapi.api;

import io.gantry.cloudapi.api.view.OperatorAccountView;
import io.gantry.cloudapi.api.view.OperatorLimitView;
import io.gantry.cloudapi.api.view.OpsAuditView;
import io.gantry.cloudapi.service.Caller;
import io.gantry.cloudapi.service.EvacuationService;
import io.gantry.cloudapi.service.LimitService;
import io.gantry.cloudapi.service.NodeService;
import io.gantry.cloudapi.service.OperatorAccountService;
import io.gantry.cloudapi.service.OpsAuditService;
import io.gantry.common.ErrorCode;
import io.gantry.common.GantryException;
import io.gantry.common.limits.ProvisionLimit;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator routes, under {@code /ops}: open to operator accounts only ({@link Authenticate}
 * refuses anyone else), in the CloudAPI's error format. An account is named by its login or id.
 * Every route that changes something writes an entry of the operators' audit log before the change, then its outcome.
 *
 * <pre>
 * POST   /ops/accounts                     create: body login, email, key (one OpenSSH public key line)
 * GET    /ops/accounts                     every account that is not deleted
 * GET    /ops/accounts/:login              one account
 * POST   /ops/accounts/:login?action=disable|enable
 * DELETE /ops/accounts/:login              only when it has no machines but deleted or failed ones
 * GET    /ops/accounts/:login/limits       the account's provisioning limits
 * PUT    /ops/accounts/:login/limits/:by   create or replace the limit of that by, check and check_value ({@link LimitRequest})
 * DELETE /ops/accounts/:login/limits/:by   ?check&amp;check_value name a limit that has them
 * GET    /ops/audit[?limit=N]              the operators' audit log, newest first (default 100 entries)
 * POST   /ops/machines/:id?action=evacuate[&amp;node=N], GET /ops/machines?node=N, GET /ops/jobs/:id   ({@link EvacuationEndpoints})
 * /ops/nodes...                            compute nodes ({@link NodeEndpoints})
 * </pre>
 */
final class OperatorEndpoints {
    static final String PREFIX = "ops";
    private static final Logger LOG = LoggerFactory.getLogger(OperatorEndpoints.class);
    private static final int AUDIT_PAGE = 100;
    private final LimitService limits;
    private final OperatorAccountService accounts;
    private final OpsAuditService audit;
    private final NodeEndpoints nodes;

    private final EvacuationEndpoints evacuations;

    OperatorEndpoints(LimitService limits, OperatorAccountService accounts, OpsAuditService audit, EvacuationService evacuations,
                       NodeService nodes) {
        this.limits = limits;
        this.accounts = accounts;
        this.audit = audit;
        this.evacuations = new EvacuationEndpoints(evacuations, this);
        this.nodes = new NodeEndpoints(nodes, this);
    }

    void mount(Router r) {
        r.post("/ops/accounts").handler(this::create);
        r.get("/ops/accounts").handler(ctx -> Reply.with(ctx, accounts.list(Authenticate.caller(ctx)),
                list -> Reply.json(ctx, 200, list.stream().map(OperatorAccountView::of).toList())));
        r.get("/ops/accounts/:login").handler(ctx -> Reply.with(ctx, accounts.get(Authenticate.caller(ctx), ctx.pathParam("login")),
                a -> Reply.json(ctx, 200, OperatorAccountView.of(a))));
        r.post("/ops/accounts/:login").handler(this::action);
        r.delete("/ops/accounts/:login").handler(this::deleteAccount);
        r.get("/ops/accounts/:login/limits").handler(this::list);
        r.put("/ops/accounts/:login/limits/:by").handler(this::put);
        r.delete("/ops/accounts/:login/limits/:by").handler(this::delete);
        r.get("/ops/audit").handler(this::audit);
        evacuations.mount(r);
        nodes.mount(r);
        // nothing else under /ops falls through to the tenant routes (/:login/...)
        r.route("/ops/*").handler(ctx -> Reply.error(ctx, GantryException.notFound(ctx.request().method() + " " + ctx.request().path()
                + " is not a resource of this API")));
    }

    private void create(RoutingContext ctx) {
        Map<String, Object> p = Params.of(ctx);
        String login = Params.string(p, "login");
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("email", Params.string(p, "email"));
        Reply.with(ctx, audited(ctx, "account-create", String.valueOf(login), params,
                        () -> accounts.create(Authenticate.caller(ctx), login, Params.string(p, "email"), Params.string(p, "key"))),
                a -> Reply.json(ctx, 201, OperatorAccountView.of(a)));
    }

    private void action(RoutingContext ctx) {
        String login = ctx.pathParam("login");
        String action = ctx.queryParams().get("action");
        Caller caller = Authenticate.caller(ctx);
        if ("disable".equals(action)) {
            Reply.with(ctx, audited(ctx, "account-disable", login, Map.of(), () -> accounts.disable(caller, login)),
                    a -> Reply.json(ctx, 200, OperatorAccountView.of(a)));
        } else if ("enable".equals(action)) {
            Reply.with(ctx, audited(ctx, "account-enable", login, Map.of(), () -> accounts.enable(caller, login)),
                    a -> Reply.json(ctx, 200, OperatorAccountView.of(a)));
        } else {
            Reply.error(ctx, GantryException.invalid("action must be disable or enable, got " + (action == null ? "none" : "'" + action + "'")));
        }
    }

    private void deleteAccount(RoutingContext ctx) {
        String login = ctx.pathParam("login");
        Reply.with(ctx, audited(ctx, "account-delete", login, Map.of(), () -> accounts.delete(Authenticate.caller(ctx), login)),
                v -> Reply.empty(ctx, 204));
    }

    private void list(RoutingContext ctx) {
        Reply.with(ctx, limits.list(Authenticate.caller(ctx), ctx.pathParam("login")),
                list -> Reply.json(ctx, 200, list.stream().map(OperatorLimitView::of).toList()));
    }

    private void put(RoutingContext ctx) {
        var caller = Authenticate.caller(ctx);
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("by", ctx.pathParam("by"));
        Reply.with(ctx, audited(ctx, "limit-set", ctx.pathParam("login"), params, () -> {
            ProvisionLimit limit = LimitRequest.parse(ctx.pathParam("by"), ctx.body().buffer() == null ? null : ctx.body().buffer().getBytes());
            params.putAll(Map.of("value", limit.value()));
            if (limit.check() != null) {
                params.put("check", limit.check().wireName());
                params.put("check_value", limit.checkValue());
            }
            return limits.put(caller, ctx.pathParam("login"), limit);
        }), put -> Reply.json(ctx, 200, OperatorLimitView.of(put)));
    }

    private void delete(RoutingContext ctx) {
        var caller = Authenticate.caller(ctx);
        Map<String, Object> params = new LinkedHashMap<>(query(ctx));
        params.put("by", ctx.pathParam("by"));
        Reply.with(ctx, audited(ctx, "limit-delete", ctx.pathParam("login"), params, () -> {
            ProvisionLimit.Scope scope = LimitRequest.scope(ctx.pathParam("by"), query(ctx));
            return limits.delete(caller, ctx.pathParam("login"), scope);
        }), v -> Reply.empty(ctx, 204));
    }

    private void audit(RoutingContext ctx) {
        int limit = Params.nonNegative(ctx.queryParams().get("limit"), AUDIT_PAGE, "limit");
        Reply.with(ctx, audit.list(Authenticate.caller(ctx), limit), list -> Reply.json(ctx, 200, list.stream().map(OpsAuditView::of).toList()));
    }

    /**
     * Runs the change with its entry in the operators' audit log: the entry is committed first (outcome pending), so
     * no change runs unlogged, and a crash before its outcome is written leaves it shown as unknown, not lost. When
     * the entry cannot be written the change does not run (503). The answer is the change's, even if its outcome
     * cannot be written afterwards. The other operator route classes ({@link CatalogOpsEndpoints}) log through it too.
     */
    <T> Future<T> audited(RoutingContext ctx, String action, String target, Map<String, Object> params, Supplier<Future<T>> change) {
        Caller caller = Authenticate.caller(ctx);
        return audit.begin(caller, action, target, params)
                .recover(e -> {
                    LOG.error("cannot write the operators' audit entry for {} {} by {}; the change was not made", action, target,
                            caller.account().login, e);
                    return Future.failedFuture(new GantryException(ErrorCode.ServiceUnavailable,
                            "the operators' audit log cannot be written, so nothing was changed; try again later"));
                })
                .compose(entry -> {
                    Future<T> outcome;
                    try {
                        outcome = change.get();
                    } catch (RuntimeException e) {
                        outcome = Future.failedFuture(e);
                    }
                    return outcome.transform(done -> audit.settle(entry, params, done.succeeded() ? null : message(done.cause()))
                            .transform(logged -> {
                                if (logged.failed()) {
                                    LOG.error("cannot write the outcome of operators' audit entry {} ({} {} by {}); it shows as unknown",
                                            entry, action, target, caller.account().login, logged.cause());
                                }
                                return done.succeeded() ? Future.succeededFuture(done.result()) : Future.<T>failedFuture(done.cause());
                            }));
                });
    }

    private static String message(Throwable failure) {
        Throwable e = failure;
        while (e instanceof CompletionException && e.getCause() != null) {
            e = e.getCause();
        }
        if (Reply.isDataError(e)) {
            return ErrorCode.InvalidArgument + ": a value in the request cannot be stored";
        }
        return e instanceof GantryException g ? g.code() + ": " + g.getMessage() : "internal error";
    }

    private static Map<String, String> query(RoutingContext ctx) {
        Map<String, String> query = new LinkedHashMap<>();
        ctx.queryParams().forEach(e -> query.putIfAbsent(e.getKey(), e.getValue()));
        return query;
    }
}
