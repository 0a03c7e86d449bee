package io.gantry.metering.api;

import io.gantry.common.ErrorCode;
import io.gantry.common.GantryException;
import io.gantry.metering.ingest.Batches;
import io.gantry.metering.store.BudgetStore;
import io.gantry.metering.store.IngestStore;
import io.gantry.metering.store.UsageStore;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Clock;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * The whole HTTP surface, assembled in one place: the request timer, then each resource's
 * {@code XxxEndpoints}, then the failure and not-found answers. Handlers only translate: parse, call
 * a store or the pure logic, map the result to JSON and a status. A handler that cannot read its
 * request throws; the failure handler answers that like any other failure.
 *
 * <pre>
 * POST   /v1/usage                               a UsageBatch from an agent; 200 UsageAck once committed
 * GET    /v1/accounts/:account/usage             roll-ups by minute/hour/day/total, per instance or total
 * GET    /v1/accounts/:account/budgets           budgets with their use in the current period
 * PUT    /v1/accounts/:account/budgets/:name     create or replace a budget
 * DELETE /v1/accounts/:account/budgets/:name
 * GET    /v1/export?from&amp;to&amp;format=csv|json      billing export: account × machine × UTC day
 * GET    /v1/ping                                {"ok":true,"leader":…}
 * GET    /metrics                                Prometheus text
 * </pre>
 */
public final class Routes {
    private final Vertx vertx;
    private final IngestStore ingest;
    private final BudgetStore budgets;
    private final UsageStore usage;
    private final ApiObserver observer;
    private final BooleanSupplier leader;
    private final Clock clock;
    private final Duration minuteRetention;

    public Routes(Vertx vertx, IngestStore ingest, BudgetStore budgets, UsageStore usage, ApiObserver observer,
                  BooleanSupplier leader, Clock clock, Duration minuteRetention) {
        this.vertx = vertx;
        this.ingest = ingest;
        this.budgets = budgets;
        this.usage = usage;
        this.observer = observer;
        this.leader = leader;
        this.clock = clock;
        this.minuteRetention = minuteRetention;
    }

    public Router router(int maxBodyBytes) {
        Router r = Router.router(vertx);
        r.route().handler(new RequestTimer(observer));
        BodyHandler body = BodyHandler.create().setBodyLimit(maxBodyBytes).setHandleFileUploads(false);
        AccountLookup accounts = new AccountLookup(budgets);
        new IngestEndpoints(ingest, observer).mount(r, body);
        new UsageEndpoints(usage, accounts, clock, minuteRetention).mount(r);
        new BudgetEndpoints(budgets, accounts, clock).mount(r, body);
        new ExportEndpoints(usage, clock).mount(r);
        new ServiceEndpoints(leader, observer).mount(r);
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
}
