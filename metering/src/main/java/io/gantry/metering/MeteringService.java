package io.gantry.metering;

import io.gantry.common.coord.ZkPaths;
import io.gantry.tls.LiveKeyManager;
import io.gantry.tls.TlsReloader;
import io.gantry.metering.api.Routes;
import io.gantry.metering.store.BudgetStore;
import io.gantry.metering.store.EnforcementStore;
import io.gantry.metering.store.IngestStore;
import io.gantry.metering.store.MeteringDatabase;
import io.gantry.metering.store.RollUpStore;
import io.gantry.metering.store.UsageStore;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.framework.recipes.leader.LeaderLatchListener;
import org.apache.curator.framework.recipes.nodes.PersistentNode;
import org.apache.zookeeper.CreateMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One metering instance. Every instance ingests usage and serves the usage, budget, export and
 * metrics API; the one that holds the ZooKeeper leader latch ({@link ZkPaths#METERING_LEADER}) also
 * rolls up and enforces budgets. Each instance registers its base URL as an ephemeral child of
 * {@link ZkPaths#METERING_ENDPOINTS}, where agents find it.
 */
public final class MeteringService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MeteringService.class);
    private static final long FOLLOWER_GAUGE_REFRESH_MS = 15_000;

    private final Vertx vertx;
    private final Context context;
    private final MeteringDatabase db;
    private final MeteringMetrics metrics;
    private final LeaderLoop loop;
    private final LeaderLatch latch;
    private final PersistentNode endpoint;
    private final String deployment;
    private final HttpServer server;
    private final String baseUrl;
    private final String instanceId;
    private final long gaugeTimer;
    private final TlsReloader tlsReloader;
    private boolean closed;

    private MeteringService(Vertx vertx, Context context, MeteringDatabase db, MeteringMetrics metrics, LeaderLoop loop,
                            LeaderLatch latch, PersistentNode endpoint, String deployment, HttpServer server, String baseUrl,
                            String instanceId, long gaugeTimer, TlsReloader tlsReloader) {
        this.vertx = vertx;
        this.context = context;
        this.db = db;
        this.metrics = metrics;
        this.loop = loop;
        this.latch = latch;
        this.endpoint = endpoint;
        this.deployment = deployment;
        this.server = server;
        this.baseUrl = baseUrl;
        this.instanceId = instanceId;
        this.gaugeTimer = gaugeTimer;
        this.tlsReloader = tlsReloader;
    }

    /**
     * Migrates metering's schema, opens the database on {@code vertx}, binds the HTTP server,
     * registers the endpoint in ZooKeeper and joins the leader election. Blocking (Flyway over
     * JDBC, ZooKeeper calls): call it from a launcher thread, never from an event loop. Answers
     * once the instance serves; close the answer to stop it.
     *
     * @param zk       a started Curator client (the caller owns it and closes it after this service)
     * @param registry where metering's meters go (removed again on close); its {@code scrape()} is
     *                 what {@code GET /metrics} serves
     */
    public static MeteringService start(Vertx vertx, CuratorFramework zk, MeteringConfig config, PrometheusMeterRegistry registry) {
        if (Context.isOnEventLoopThread()) {
            throw new IllegalStateException("MeteringService.start blocks (migrations, ZooKeeper); call it from a launcher "
                    + "thread, not an event loop");
        }
        List<AutoCloseable> opened = new ArrayList<>();
        try {
            MeteringDatabase.migrate(config.jdbcUrl(), config.user(), config.password());
            MeteringDatabase db = MeteringDatabase.open(vertx, config.jdbcUrl(), config.user(), config.password(), config.poolSize());
            opened.add(db);
            MeteringMetrics metrics = new MeteringMetrics(registry, config.clock());
            opened.add(metrics);
            UsageStore usage = new UsageStore(db);
            LeaderLatch latch = new LeaderLatch(zk, ZkPaths.METERING_LEADER, config.instanceId());
            Routes routes = new Routes(vertx, new IngestStore(db), new BudgetStore(db), usage, metrics,
                    latch::hasLeadership, config.clock(), config.minuteRetention());
            // metering's own context (a verticle's): its leader loop and timers must not share a context with
            // anything else that uses Hibernate Reactive (see LeaderLoop)
            HttpServerOptions options = new HttpServerOptions().setHost(config.host()).setPort(config.port()).setCompressionSupported(true);
            LiveKeyManager served = config.tls() == null ? null : config.tls().serve(vertx, options);
            Home home = new Home(options, routes.router(config.maxBodyBytes()));
            String deployment = await(vertx.deployVerticle(home), "bind the HTTP server on " + config.host() + ":" + config.port());
            opened.add(() -> await(vertx.undeploy(deployment), "stop the HTTP server"));
            HttpServer server = home.server;
            TlsReloader tlsReloader = config.tls() == null ? null
                    : TlsReloader.start(vertx, config.tls(), served, "metering", TlsReloader.DEFAULT_INTERVAL);
            if (tlsReloader != null) {
                opened.add(tlsReloader);
            }
            Context context = home.context();
            LeaderLoop loop = new LeaderLoop(context, new RollUpStore(db), new EnforcementStore(db), usage, metrics, config,
                    latch::hasLeadership);
            String baseUrl = config.advertisedUrl() != null ? config.advertisedUrl()
                    : (config.tls() == null ? "http://" : "https://") + advertisedHost(config.host()) + ":" + server.actualPort();
            PersistentNode endpoint = new PersistentNode(zk, CreateMode.EPHEMERAL, false,
                    ZkPaths.METERING_ENDPOINTS + "/" + config.instanceId(), baseUrl.getBytes(StandardCharsets.UTF_8));
            endpoint.start();
            opened.add(endpoint);
            if (!endpoint.waitForInitialCreate(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("could not register " + baseUrl + " in ZooKeeper under " + ZkPaths.METERING_ENDPOINTS
                        + " within 30 s");
            }
            latch.addListener(new LeaderLatchListener() {
                @Override
                public void isLeader() {
                    context.runOnContext(v -> loop.lead());
                }

                @Override
                public void notLeader() {
                    context.runOnContext(v -> loop.follow());
                }
            });
            latch.start();
            opened.add(latch);
            long gaugeTimer = await(Future.<Long>future(p -> context.runOnContext(v ->
                    p.complete(vertx.setPeriodic(FOLLOWER_GAUGE_REFRESH_MS, id -> loop.refreshIfFollowing())))), "start the gauge timer");
            LOG.info("metering {} serves {} (ingest, usage, budgets, export, metrics)", config.instanceId(), baseUrl);
            return new MeteringService(vertx, context, db, metrics, loop, latch, endpoint, deployment, server, baseUrl, config.instanceId(),
                    gaugeTimer, tlsReloader);
        } catch (RuntimeException | Error e) {
            for (int i = opened.size() - 1; i >= 0; i--) {
                try {
                    opened.get(i).close();
                } catch (Exception suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("metering could not start: " + e.getMessage(), e);
        }
    }

    /** The verticle that owns metering's context and its HTTP server (closed when it is undeployed). */
    private static final class Home extends AbstractVerticle {
        private final HttpServerOptions options;
        private final Router router;
        private volatile HttpServer server;

        Home(HttpServerOptions options, Router router) {
            this.options = options;
            this.router = router;
        }

        Context context() {
            return context;
        }

        @Override
        public void start(Promise<Void> started) {
            vertx.createHttpServer(options).requestHandler(router).listen().onSuccess(s -> {
                server = s;
                started.complete();
            }).onFailure(started::fail);
        }
    }

    private static String advertisedHost(String host) {
        if (!host.equals("0.0.0.0") && !host.equals("::")) {
            return host.contains(":") ? "[" + host + "]" : host;
        }
        try {
            return InetAddress.getLocalHost().getCanonicalHostName();
        } catch (UnknownHostException e) {
            return "127.0.0.1";
        }
    }

    /** The port the HTTP server listens on. */
    public int port() {
        return server.actualPort();
    }

    /** The base URL registered in ZooKeeper. */
    public String baseUrl() {
        return baseUrl;
    }

    public String instanceId() {
        return instanceId;
    }

    /** True while this instance holds the leader latch (rolls up and enforces budgets). */
    public boolean isLeader() {
        return latch.hasLeadership();
    }

    /**
     * Stops the leader loop (waiting for a pass under way), leaves the election, unregisters the
     * endpoint, closes the HTTP server and the database, and removes the meters. Blocking; not on an
     * event loop.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        if (Context.isOnEventLoopThread()) {
            throw new IllegalStateException("MeteringService.close blocks (it waits for the leader's pass and ZooKeeper); call it "
                    + "from a launcher thread, not an event loop");
        }
        closed = true;
        vertx.cancelTimer(gaugeTimer);
        if (tlsReloader != null) {
            tlsReloader.close();
        }
        try {
            await(Future.<Void>future(p -> context.runOnContext(v -> loop.stop().onComplete(p))), "stop the leader loop");
        } catch (RuntimeException e) {
            LOG.warn("metering {}: {}", instanceId, e.getMessage());
        }
        quietly("leave the leader election", latch::close);
        quietly("unregister the endpoint", endpoint::close);
        quietly("close the HTTP server", () -> await(vertx.undeploy(deployment), "close the HTTP server"));
        quietly("close the database", db::close);
        metrics.close();
        LOG.info("metering {} stopped", instanceId);
    }

    private interface Step {
        void run() throws Exception;
    }

    private void quietly(String what, Step step) {
        try {
            step.run();
        } catch (Exception e) {
            LOG.warn("metering {}: could not {}: {}", instanceId, what, e.toString());
        }
    }

    private static <T> T await(Future<T> f, String what) {
        try {
            return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting to " + what, e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("could not " + what + ": " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("could not " + what + " within 60 s");
        }
    }
}
