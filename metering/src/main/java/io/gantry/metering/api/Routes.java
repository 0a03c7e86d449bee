package io.gantry.metering.api;

import io.gantry.common.ErrorCode;
import io.gantry.common.GantryException;
import io.gantry.common.limits.ProvisionLimit;
import io.gantry.metering.ingest.Batches;
import io.gantry.metering.store.Account;
import io.gantry.metering.store.BudgetStore;
import io.gantry.metering.store.IngestStore;
import io.gantry.metering.store.LimitStore;
import io.gantry.metering.store.UsageStore;
import io.gantry.metering.usage.Figures;
import io.gantry.metering.usage.Granularity;
import io.gantry.metering.usage.Sums;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.PlatformHandler;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.function.BooleanSupplier;

/**
 * The whole HTTP surface, assembled in one place. Handlers only translate: parse, call a store or
 * the pure logic, map the result to JSON and a status.
 *
 * <pre>
 * POST   /v1/usage                               a UsageBatch from an agent; 200 UsageAck once committed
 * GET    /v1/accounts/:account/usage             roll-ups by minute/hour/day/total, per instance or total
 * GET    /v1/accounts/:account/budgets           budgets with their use in the current period
 * PUT    /v1/accounts/:account/budgets/:name     create or replace a budget
 * DELETE /v1/accounts/:account/budgets/:name
 * GET    /v1/accounts/:account/limits            provisioning limits the cloud API admits machines by
 * PUT    /v1/accounts/:account/limits/:by        create or replace the limit of that by, check and check_value
 * DELETE /v1/accounts/:account/limits/:by        ?check&amp;check_value name a limit that has them
 * GET    /v1/export?from&amp;to&amp;format=csv|json      billing export: account × machine × UTC day
 * GET    /v1/ping                                {"ok":true,"leader":…}
 * GET    /metrics                                Prometheus text
 * </pre>
 */
public final class Routes {
    /** Batches bigger than this are parsed on a worker thread, not on the event loop. */
    private static final int PARSE_ON_WORKER_BYTES = 64 * 1024;

    private final Vertx vertx;
    private final IngestStore ingest;
    private final BudgetStore budgets;
    private final LimitStore limits;
    private final UsageStore usage;
    private final ApiObserver observer;
    private final BooleanSupplier leader;
    private final Clock clock;
    private final Duration minuteRetention;

    public Routes(Vertx vertx, IngestStore ingest, BudgetStore budgets, LimitStore limits, UsageStore usage, ApiObserver observer,
                  BooleanSupplier leader, Clock clock, Duration minuteRetention) {
        this.vertx = vertx;
        this.ingest = ingest;
        this.budgets = budgets;
        this.limits = limits;
        this.usage = usage;
        this.observer = observer;
        this.leader = leader;
        this.clock = clock;
        this.minuteRetention = minuteRetention;
    }

    public Router router(int maxBodyBytes) {
        Router r = Router.router(vertx);
        r.route().handler(this::measure);
        BodyHandler body = BodyHandler.create().setBodyLimit(maxBodyBytes).setHandleFileUploads(false);
        r.post("/v1/usage").handler(named("/v1/usage")).handler(body).handler(this::ingest);
        r.get("/v1/accounts/:account/usage").handler(named("/v1/accounts/:account/usage")).handler(this::usage);
        r.get("/v1/accounts/:account/budgets").handler(named("/v1/accounts/:account/budgets")).handler(this::listBudgets);
        r.put("/v1/accounts/:account/budgets/:name").handler(named("/v1/accounts/:account/budgets/:name")).handler(body)
                .handler(this::putBudget);
        r.delete("/v1/accounts/:account/budgets/:name").handler(named("/v1/accounts/:account/budgets/:name"))
                .handler(this::deleteBudget);
        r.get("/v1/accounts/:account/limits").handler(named("/v1/accounts/:account/limits")).handler(this::listLimits);
        r.put("/v1/accounts/:account/limits/:by").handler(named("/v1/accounts/:account/limits/:by")).handler(body)
                .handler(this::putLimit);
        r.delete("/v1/accounts/:account/limits/:by").handler(named("/v1/accounts/:account/limits/:by")).handler(this::deleteLimit);
        r.get("/v1/export").handler(named("/v1/export")).handler(this::export);
        r.get("/v1/ping").handler(named("/v1/ping")).handler(ctx -> Reply.json(ctx, 200, new Views.Ping(true, leader.getAsBoolean())));
        r.get("/metrics").handler(named("/metrics"))
                .handler(ctx -> Reply.text(ctx, "text/plain; version=0.0.4; charset=utf-8", observer.scrape()));
        r.route().failureHandler(ctx -> {
            if (ctx.failure() != null) {
                Reply.error(ctx, ctx.failure());
            } else if (ctx.statusCode() == 413) {
                Reply.error(ctx, new GantryException(ErrorCode.RequestTooLarge, "the request body is larger than " + maxBodyBytes
                        + " bytes; send usage in smaller batches (at most " + Batches.MAX_RECORDS + " records)"));
            } else {
                Reply.error(ctx, new GantryException(ErrorCode.BadRequest, "the request could not be handled (HTTP " + ctx.statusCode() + ")"));
            }
        });
        r.errorHandler(404, ctx -> Reply.error(ctx, GantryException.notFound(ctx.request().method() + " " + ctx.request().path()
                + " is not a resource of metering")));
        r.errorHandler(405, ctx -> Reply.json(ctx, 405, new GantryException(ErrorCode.BadRequest, ctx.request().method()
                + " is not allowed on " + ctx.request().path()).body()));
        return r;
    }

    private void measure(RoutingContext ctx) {
        long start = System.nanoTime();
        String method = ctx.request().method().name();
        ctx.addEndHandler(v -> {
            String route = ctx.get("route");
            observer.request(route == null ? "unmatched" : route, method, ctx.response().getStatusCode(), System.nanoTime() - start);
        });
        ctx.next();
    }

    /**
     * Tags the request with its route template for the request timer. A platform handler, so it may
     * come before a route's body handler (and a refused body is still counted under its route).
     */
    private static Handler<RoutingContext> named(String route) {
        return (PlatformHandler) ctx -> {
            ctx.put("route", route);
            ctx.next();
        };
    }

    private record Prepared(Batches.Checked batch, String encoded) {
    }

    private void ingest(RoutingContext ctx) {
        long start = System.nanoTime();
        Buffer buffer = ctx.body().buffer();
        byte[] bytes = buffer == null ? new byte[0] : buffer.getBytes();
        Future<Prepared> prepared;
        if (bytes.length > PARSE_ON_WORKER_BYTES) {
            prepared = vertx.executeBlocking(() -> prepare(bytes), false);
        } else {
            try {
                prepared = Future.succeededFuture(prepare(bytes));
            } catch (RuntimeException e) {
                prepared = Future.failedFuture(e);
            }
        }
        prepared.compose(p -> {
            if (p.batch().records().isEmpty()) {
                return Future.succeededFuture(p.batch().ack()).map(ack -> {
                    observer.ingested(0, 0, System.nanoTime() - start);
                    return ack;
                });
            }
            return on(ingest.store(p.encoded())).map(stored -> {
                observer.ingested(p.batch().received(), stored, System.nanoTime() - start);
                return p.batch().ack();
            });
        }).onSuccess(ack -> Reply.json(ctx, 200, ack)).onFailure(e -> Reply.error(ctx, e));
    }

    private static Prepared prepare(byte[] bytes) {
        Batches.Checked batch = Batches.parse(bytes);
        return new Prepared(batch, IngestStore.encode(batch.records()));
    }

    private void usage(RoutingContext ctx) {
        Instant now = clock.instant();
        UsageQuery q;
        try {
            q = UsageQuery.parse(params(ctx), now, minuteRetention);
        } catch (GantryException e) {
            Reply.error(ctx, e);
            return;
        }
        Granularity source = q.source(now);
        account(ctx).compose(account -> on(usage.usage(account, source, q.from(), q.to(), q.granularity() != null, q.perInstance(),
                q.machine())).map(rows -> {
                    List<Views.UsageRow> out = new ArrayList<>(rows.size());
                    Sums total = Sums.ZERO;
                    for (UsageStore.Row row : rows) {
                        out.add(new Views.UsageRow(row.start() == null ? q.from() : row.start(), row.machine(), row.packageName(),
                                Figures.of(row.sums())));
                        total = total.plus(row.sums());
                    }
                    return new Views.Usage(account.login(), q.from(), q.to(), q.granularityName(), q.perInstance() ? "instance" : "total",
                            out, Figures.of(total));
                }))
                .onSuccess(view -> Reply.json(ctx, 200, view))
                .onFailure(e -> Reply.error(ctx, e));
    }

    private void listBudgets(RoutingContext ctx) {
        Instant now = clock.instant();
        account(ctx).compose(account -> on(budgets.states(now, account.id(), null)))
                .map(states -> states.stream().map(Views.Budget::of).toList())
                .onSuccess(list -> Reply.json(ctx, 200, list))
                .onFailure(e -> Reply.error(ctx, e));
    }

    private void putBudget(RoutingContext ctx) {
        Instant now = clock.instant();
        BudgetRequest req;
        try {
            Buffer buffer = ctx.body().buffer();
            req = BudgetRequest.parse(ctx.pathParam("name"), buffer == null ? null : buffer.getBytes());
        } catch (GantryException e) {
            Reply.error(ctx, e);
            return;
        }
        cloudAccount(ctx, "budgets").compose(account -> on(budgets.put(account, req.name(), req.metric(), req.limit(), req.period(),
                        req.policy(), req.throttleCpuCap(), now)))
                .onSuccess(state -> Reply.json(ctx, 200, Views.Budget.of(state)))
                .onFailure(e -> Reply.error(ctx, e));
    }

    private void deleteBudget(RoutingContext ctx) {
        String name = ctx.pathParam("name");
        cloudAccount(ctx, "budgets").compose(account -> on(budgets.delete(account, name)).map(deleted -> {
                    if (!deleted) {
                        throw GantryException.notFound("account " + account.login() + " has no budget named '" + name + "'");
                    }
                    return deleted;
                }))
                .onSuccess(v -> ctx.response().setStatusCode(204).end())
                .onFailure(e -> Reply.error(ctx, e));
    }

    private void listLimits(RoutingContext ctx) {
        cloudAccount(ctx, "limits").compose(account -> on(limits.list(account)))
                .map(list -> list.stream().map(Views.Limit::of).toList())
                .onSuccess(list -> Reply.json(ctx, 200, list))
                .onFailure(e -> Reply.error(ctx, e));
    }

    private void putLimit(RoutingContext ctx) {
        ProvisionLimit limit;
        try {
            Buffer buffer = ctx.body().buffer();
            limit = LimitRequest.parse(ctx.pathParam("by"), buffer == null ? null : buffer.getBytes());
        } catch (GantryException e) {
            Reply.error(ctx, e);
            return;
        }
        cloudAccount(ctx, "limits").compose(account -> on(limits.put(account, limit)))
                .onSuccess(put -> Reply.json(ctx, 200, Views.Limit.of(put)))
                .onFailure(e -> Reply.error(ctx, e));
    }

    private void deleteLimit(RoutingContext ctx) {
        ProvisionLimit.Scope scope;
        try {
            scope = LimitRequest.scope(ctx.pathParam("by"), params(ctx));
        } catch (GantryException e) {
            Reply.error(ctx, e);
            return;
        }
        cloudAccount(ctx, "limits").compose(account -> on(limits.delete(account, scope)).map(deleted -> {
                    if (!deleted) {
                        throw GantryException.notFound("account " + account.login() + " has no " + scope.describe());
                    }
                    return deleted;
                }))
                .onSuccess(v -> ctx.response().setStatusCode(204).end())
                .onFailure(e -> Reply.error(ctx, e));
    }

    private void export(RoutingContext ctx) {
        ExportQuery q;
        try {
            q = ExportQuery.parse(params(ctx), clock.instant());
        } catch (GantryException e) {
            Reply.error(ctx, e);
            return;
        }
        on(usage.export(q.from(), q.to())).map(records -> records.stream()
                        .map(r -> new ExportRow(r.day(), r.account(), r.login(), r.machine(), r.packageName(), Figures.of(r.sums())))
                        .toList())
                .onSuccess(rows -> {
                    if (q.json()) {
                        Reply.json(ctx, 200, new Views.Export(q.from(), q.to(), rows));
                    } else {
                        ctx.response().putHeader("Content-Disposition", "attachment; filename=\"gantry-usage.csv\"");
                        Reply.text(ctx, "text/csv; charset=utf-8", ExportRow.csv(rows));
                    }
                })
                .onFailure(e -> Reply.error(ctx, e));
    }

    private Future<Account> account(RoutingContext ctx) {
        String ref = ctx.pathParam("account");
        return on(budgets.account(ref)).map(found -> found.orElseThrow(() -> GantryException.notFound("account " + ref + " not found")));
    }

    /**
     * An account of the cloud API (budgets act on its machines, limits on its admission), not a tenant
     * known only from usage records; {@code what} names what needs one.
     */
    private Future<Account> cloudAccount(RoutingContext ctx, String what) {
        return account(ctx).map(a -> {
            try {
                UUID.fromString(a.id());
                return a;
            } catch (IllegalArgumentException e) {
                throw GantryException.notFound("account " + a.login() + " is not an account of the cloud API; " + what + " need one");
            }
        });
    }

    private static Map<String, String> params(RoutingContext ctx) {
        Map<String, String> out = new LinkedHashMap<>();
        ctx.queryParams().forEach(e -> out.putIfAbsent(e.getKey(), e.getValue()));
        return out;
    }

    private <T> Future<T> on(CompletionStage<T> stage) {
        return Future.fromCompletionStage(stage, vertx.getOrCreateContext());
    }
}
