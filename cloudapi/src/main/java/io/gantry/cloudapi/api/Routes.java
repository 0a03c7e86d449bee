package io.gantry.cloudapi.api;

import io.gantry.cloudapi.CloudApiConfig;
import io.gantry.cloudapi.auth.AuthBarrier;
import io.gantry.cloudapi.auth.BearerTokenVerifier;
import io.gantry.cloudapi.auth.KeyCache;
import io.gantry.cloudapi.auth.SignatureVerifier;
import io.gantry.cloudapi.service.AccountService;
import io.gantry.cloudapi.service.CatalogService;
import io.gantry.cloudapi.service.FederatedAccounts;
import io.gantry.cloudapi.service.FirewallService;
import io.gantry.cloudapi.service.ImageService;
import io.gantry.cloudapi.service.ImageImportService;
import io.gantry.cloudapi.imagestore.ImageUpload;
import io.gantry.cloudapi.service.LimitService;
import io.gantry.cloudapi.health.HealthService;
import io.gantry.cloudapi.service.EvacuationService;
import io.gantry.cloudapi.service.ExternalNetworkService;
import io.gantry.cloudapi.service.OperatorAccountService;
import io.gantry.cloudapi.service.OperatorCatalogService;
import io.gantry.cloudapi.service.NodeService;
import io.gantry.cloudapi.service.OpsAuditService;
import io.gantry.cloudapi.service.MachineReads;
import io.gantry.cloudapi.service.MachineService;
import io.gantry.cloudapi.service.NetworkService;
import io.gantry.cloudapi.service.NicService;
import io.gantry.cloudapi.service.SnapshotService;
import io.gantry.cloudapi.service.MeteringClient;
import io.gantry.cloudapi.store.Database;
import io.gantry.common.ErrorCode;
import io.gantry.common.GantryException;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.sqlclient.Pool;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Clock;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The whole HTTP surface, assembled in one place: common headers, ping, authentication, the operator
 * routes ({@code /ops/...}: catalogue, health, accounts and limits, audit), then the tenants' resources.
 */
public final class Routes {
    public static final String API_VERSION = "9.20.0";
    private static final int MAX_BODY_BYTES = 1 << 20;

    private Routes() {
    }

    /**
     * Why the path or query cannot be decoded (a broken %-escape), or null. Vert.x decodes them while
     * matching routes and would throw from there, so they are checked once, before any route.
     */
    private static String unreadableTarget(RoutingContext ctx) {
        String uri = ctx.request().uri();
        for (int i = uri.indexOf('%'); i >= 0; i = uri.indexOf('%', i + 1)) {
            // strictly "%" HEXDIG HEXDIG (RFC 3986): Vert.x parses escapes with Integer.parseInt, which takes "%-0" and "%+1"
            if (i + 2 >= uri.length() || Character.digit(uri.charAt(i + 1), 16) < 0 || Character.digit(uri.charAt(i + 2), 16) < 0) {
                return "the request's path or query is not validly %-encoded at character " + (i + 1) + " of " + uri;
            }
        }
        try {
            ctx.normalizedPath();
            ctx.request().params();
            return null;
        } catch (IllegalArgumentException e) {
            return "the request's path or query is not validly %-encoded: " + e.getMessage();
        }
    }

    /** The CloudAPI error for a failed routing context: the failure itself, else what the status Vert.x chose means. */
    private static Throwable failure(RoutingContext ctx) {
        Throwable failure = ctx.failure();
        if (failure instanceof GantryException) {
            return failure;
        }
        int status = ctx.statusCode();
        if (status == 413) {
            return new GantryException(ErrorCode.RequestTooLarge, "the request body is larger than " + MAX_BODY_BYTES + " bytes");
        }
        if (status == 405) {
            return new GantryException(ErrorCode.BadRequest, ctx.request().method() + " is not allowed on " + ctx.request().path());
        }
        if (status == 404) {
            return GantryException.notFound(ctx.request().method() + " " + ctx.request().path() + " is not a resource of this API");
        }
        if (failure != null && !ctx.request().isEnded()) {
            // the body stopped arriving or its framing broke (e.g. a bad chunk size): the client's fault
            return new GantryException(ErrorCode.BadRequest, "the request body could not be read: " + failure.getMessage());
        }
        if (status >= 400 && status < 500) {
            // Vert.x's own verdict on the request (e.g. an undecodable %-escape in its path or query)
            return new GantryException(ErrorCode.BadRequest, "the request could not be read"
                    + (failure != null && failure.getMessage() != null ? ": " + failure.getMessage() : " (HTTP " + status + ")"));
        }
        return failure != null ? failure : GantryException.internal("the request failed (HTTP " + status + ")");
    }

    /**
     * The routes of one event loop. {@code keys} is the instance's key cache (shared by its event loops), kept right by
     * {@code changes}, which account and key changes wait for; {@code reads} the Vert.x PostgreSQL pool of the hot reads; {@code listed} the instance's
     * listed machines' JSON.
     */
    public static Router build(Vertx vertx, Database db, CloudApiConfig config, Clock clock, MeterRegistry registry,
                               KeyCache keys, AuthBarrier changes, Pool reads, MachineJsonCache listed) {
        var accounts = new AccountService(db, changes);
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
            String unreadable = unreadableTarget(ctx);
            if (unreadable != null) {
                Reply.error(ctx, new GantryException(ErrorCode.BadRequest, unreadable));
                return;
            }
            ctx.next();
        });
        r.route().handler(new RequestMetrics(registry));
        // only methods that carry a body: Vert.x refuses to decode a form body of a GET (an exception, not an answer)
        BodyHandler bodies = BodyHandler.create().setBodyLimit(MAX_BODY_BYTES).setHandleFileUploads(false);
        r.route().method(HttpMethod.POST).method(HttpMethod.PUT).method(HttpMethod.PATCH).method(HttpMethod.DELETE).handler(ctx -> {
            if (ImageImportEndpoints.streamed(ctx)) {
                ctx.request().pause(); // read by its route, after authentication, straight into the image store
                // answered without reading it (refused): the rest of the body is drained and dropped
                ctx.response().endHandler(v -> {
                    if (!ctx.request().isEnded()) {
                        ctx.request().resume();
                    }
                });
                ctx.next();
            } else {
                bodies.handle(ctx);
            }
        });
        r.get("/--ping").handler(ctx -> Reply.json(ctx, 200, Map.of("ping", "pong", "cloudapi", Map.of("versions", List.of(API_VERSION)))));
        // one verifier per router, so per event loop: its key fetches answer on the loop that then opens the sessions
        var tokens = config.oidc() == null ? null : new BearerTokenVerifier(vertx, config.oidc(), clock);
        var auth = new Authenticate(accounts, keys, new SignatureVerifier(clock, config.maxClockSkew()), tokens,
                config.oidc() == null ? null : new FederatedAccounts(db, config.oidc()));
        // every request but ping, whatever its path: a path pattern such as /:login/* does not match a
        // path holding a line terminator (U+0085 from a raw 0x85 byte), and its request would pass unauthenticated
        r.route().handler(auth);
        var metering = new MeteringClient(vertx, config.meteringUrl(), config.meteringCa());
        var ops = new OperatorEndpoints(new LimitService(db), new OperatorAccountService(db, changes), new OpsAuditService(db), new EvacuationService(db),
                new NodeService(db));
        new ImageImportEndpoints(new ImageImportService(db, config.imageStore() == null ? null : new ImageUpload(vertx, config.imageStore())),
                ops).mount(r);
        new CatalogOpsEndpoints(new OperatorCatalogService(db), new ExternalNetworkService(db), ops).mount(r);
        new HealthEndpoints(new HealthService(db, vertx, config.zooKeeper())).mount(r);
        var firewallEndpoints = new FirewallEndpoints(firewall, machines);
        firewallEndpoints.mountOps(r, ops);
        ops.mount(r); // last of the /ops routes: it answers 404 for any other path under /ops
        new AccountEndpoints(accounts, machines, metering).mount(r);
        new UsageEndpoints(metering).mount(r);
        new CatalogEndpoints(catalog, new ImageService(db), config.datacenter(), config.publicUrl()).mount(r);
        new NetworkEndpoints(new NetworkService(db)).mount(r);
        new MachineEndpoints(machines, new MachineReads(reads), firewall, metering, listed).mount(r);
        new NicEndpoints(new NicService(db)).mount(r);
        new SnapshotEndpoints(new SnapshotService(db, config.snapshotLimit())).mount(r);
        firewallEndpoints.mount(r);
        r.route().handler(ctx -> Reply.error(ctx, GantryException.notFound(ctx.request().method() + " " + ctx.request().path()
                + " is not a resource of this API")));
        r.route().failureHandler(ctx -> Reply.error(ctx, failure(ctx)));
        // what fails before any route matched (a path or query with a broken %-escape: 400) or after the
        // failure handler, answered by the router itself, which would send plain text
        for (int status : new int[] {400, 404, 405, 413, 500}) {
            r.errorHandler(status, ctx -> Reply.error(ctx, failure(ctx)));
        }
        return r;
    }
}
