package io.gantry.cloudapi;

import io.gantry.cloudapi.api.MachineJsonCache;
import io.gantry.cloudapi.auth.AuthChanges;
import io.gantry.cloudapi.auth.KeyCache;
import io.gantry.cloudapi.store.Database;
import io.gantry.tls.LiveKeyManager;
import io.gantry.tls.TlsReloader;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.ext.web.Router;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The cloud API service: migrates its database, then serves the CloudAPI dialect over HTTP on
 * {@link CloudApiConfig#eventLoops()} event loops, one {@link ApiServer} instance each; over HTTPS
 * when {@link CloudApiConfig#tls()} is set, reloading the certificate when its files change.
 */
public final class CloudApi implements AutoCloseable {
    /**
     * Port 0 would give every instance a random port of its own. A negative port is Vert.x's way to
     * bind one random port shared by every server that names the same negative port, so each start
     * names a new one.
     */
    private static final AtomicInteger SHARED_RANDOM_PORTS = new AtomicInteger();

    private final Vertx vertx;
    private final Database db;
    private final String deployment;
    private final ApiServer first;
    private final int eventLoops;
    private final TlsReloader tlsReloader;
    private final KeyCache keys;
    private final MachineJsonCache listed;
    private final AuthChanges authChanges;

    private CloudApi(Vertx vertx, Database db, String deployment, ApiServer first, int eventLoops, TlsReloader tlsReloader,
                     KeyCache keys, MachineJsonCache listed, AuthChanges authChanges) {
        this.vertx = vertx;
        this.db = db;
        this.keys = keys;
        this.listed = listed;
        this.authChanges = authChanges;
        this.deployment = deployment;
        this.first = first;
        this.eventLoops = eventLoops;
        this.tlsReloader = tlsReloader;
    }

    /** Blocking: runs migrations, then binds. Call from a launcher thread, not an event loop. */
    public static CloudApi start(Vertx vertx, CloudApiConfig config) {
        return start(vertx, config, new SimpleMeterRegistry());
    }

    /** As {@link #start(Vertx, CloudApiConfig)}, recording request rates and latencies in {@code registry}. */
    public static CloudApi start(Vertx vertx, CloudApiConfig config, MeterRegistry registry) {
        Database.migrate(config.database());
        Database db = Database.open(vertx, config.database());
        Pool reads = db.reads();
        AuthChanges changes = null;
        try {
            KeyCache keys = new KeyCache();
            MachineJsonCache listed = new MachineJsonCache(MachineJsonCache.DEFAULT_MAX_BYTES);
            changes = AuthChanges.start(vertx, Database.connectOptions(config.database()), reads, keys);
            AuthChanges barrier = changes;
            Pool pool = reads;
            int port = config.port() == 0 ? -SHARED_RANDOM_PORTS.incrementAndGet() : config.port();
            HttpServerOptions options = new HttpServerOptions().setHost(config.host()).setPort(port);
            LiveKeyManager served = config.tls() == null ? null : config.tls().serve(vertx, options);
            List<ApiServer> servers = Collections.synchronizedList(new ArrayList<>());
            String deployment = await(vertx.deployVerticle(() -> {
                ApiServer server = new ApiServer(options, db, config, registry, keys, barrier, pool, listed);
                servers.add(server);
                return server;
            }, new DeploymentOptions().setInstances(config.eventLoops())), "start");
            TlsReloader reloader = config.tls() == null ? null
                    : TlsReloader.start(vertx, config.tls(), served, "cloud API",
                            TlsReloader.DEFAULT_INTERVAL);
            return new CloudApi(vertx, db, deployment, servers.get(0), servers.size(), reloader, keys, listed, changes);
        } catch (RuntimeException | Error e) {
            if (changes != null) {
                changes.close();
            }
            db.close();
            throw e;
        }
    }

    /** The instance's listed machines' JSON (for benchmarks that measure the list without it). */
    public MachineJsonCache listedMachines() {
        return listed;
    }

    /** The instance's cache of verified keys (for tests and benchmarks that look at it). */
    public KeyCache keyCache() {
        return keys;
    }

    /** What keeps the key cache right (for tests that cut its connection). */
    public AuthChanges authChanges() {
        return authChanges;
    }

    /** The port every instance listens on. */
    public int port() {
        return first.port();
    }

    /** How many event loops serve requests: one server instance on each. */
    public int eventLoops() {
        return eventLoops;
    }

    /**
     * The routes served, for tools that must know every path and method (the fuzz tests walk them):
     * one instance's router; every instance builds the same.
     */
    public Router router() {
        return first.router();
    }

    /** {@code f}'s result; {@code what} the cloud API was doing ("start", "stop"), for the error. */
    private static <T> T await(Future<T> f, String what) {
        try {
            return f.toCompletionStage().toCompletableFuture().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the cloud API was to " + what, e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("the cloud API could not " + what + ": " + e.getCause().getMessage(), e.getCause());
        }
    }

    /** Stops every instance (and so its server), then closes the database. */
    @Override
    public void close() {
        if (tlsReloader != null) {
            tlsReloader.close();
        }
        try {
            await(vertx.undeploy(deployment), "stop");
        } finally {
            try {
                await(authChanges.deregister().recover(e -> io.vertx.core.Future.succeededFuture()), "stop");
            } finally {
                authChanges.close();
                db.close();
            }
        }
    }
}
