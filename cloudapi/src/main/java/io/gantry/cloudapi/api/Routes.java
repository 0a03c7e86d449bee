package io.gantry.cloudapi.api;

import io.gantry.cloudapi.CloudApiConfig;
import io.gantry.cloudapi.auth.SignatureVerifier;
import io.gantry.cloudapi.service.AccountService;
import io.gantry.cloudapi.service.CatalogService;
import io.gantry.cloudapi.service.FirewallService;
import io.gantry.cloudapi.service.MachineService;
import io.gantry.cloudapi.service.MeteringClient;
import io.gantry.cloudapi.store.Database;
import io.gantry.common.ErrorCode;
import io.gantry.common.GantryException;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Clock;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The whole HTTP surface, assembled in one place: common headers, ping, authentication, then resources. */
public final class Routes {
    public static final String API_VERSION = "9.20.0";
    private static final int MAX_BODY_BYTES = 1 << 20;

    private Routes() {
    }

    public static Router build(Vertx vertx, Database db, CloudApiConfig config, Clock clock, MeterRegistry registry) {
        var accounts = new AccountService(db);
        var machines = new MachineService(db);
        var catalog = new CatalogService(db);
        var firewall = new FirewallService(db);
        Router r = Router.router(vertx);
        r.route().handler(ctx -> {
            ctx.response()
                    .putHeader("Api-Version", API_VERSION)
                    .putHeader("Date", DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(clock)))
                    .putHeader("Request-Id", UUID.randomUUID().toString())
                    .putHeader("Server", "Gantry");
            ctx.next();
        });
        r.route().handler(new RequestMetrics(registry));
        r.route().handler(BodyHandler.create().setBodyLimit(MAX_BODY_BYTES).setHandleFileUploads(false));
        r.get("/--ping").handler(ctx -> Reply.json(ctx, 200, Map.of("ping", "pong", "cloudapi", Map.of("versions", List.of(API_VERSION)))));
        var auth = new Authenticate(accounts, new SignatureVerifier(clock, config.maxClockSkew()));
        r.route("/:login").handler(auth);
        r.route("/:login/*").handler(auth);
        var metering = new MeteringClient(vertx, config.meteringUrl());
        new AccountEndpoints(accounts, machines, metering).mount(r);
        new UsageEndpoints(metering).mount(r);
        new CatalogEndpoints(catalog, config.datacenter(), config.publicUrl()).mount(r);
        new MachineEndpoints(machines, firewall, metering).mount(r);
        new FirewallEndpoints(firewall, machines).mount(r);
        r.route().handler(ctx -> Reply.error(ctx, GantryException.notFound(ctx.request().method() + " " + ctx.request().path()
                + " is not a resource of this API")));
        r.route().failureHandler(ctx -> {
            if (ctx.failure() != null) {
                Reply.error(ctx, ctx.failure());
            } else if (ctx.statusCode() == 413) {
                Reply.error(ctx, new GantryException(ErrorCode.RequestTooLarge, "the request body is larger than " + MAX_BODY_BYTES + " bytes"));
            } else if (ctx.statusCode() == 405) {
                Reply.error(ctx, new GantryException(ErrorCode.BadRequest, ctx.request().method() + " is not allowed on " + ctx.request().path()));
            } else {
                Reply.error(ctx, new GantryException(ErrorCode.BadRequest, "the request could not be handled (HTTP " + ctx.statusCode() + ")"));
            }
        });
        return r;
    }
}
