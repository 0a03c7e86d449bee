package io.gantry.cloudapi;

import io.gantry.cloudapi.api.Routes;
import io.gantry.cloudapi.store.Database;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import java.time.Clock;

/** The cloud API service: migrates its database, then serves the CloudAPI dialect over HTTP. */
public final class CloudApi implements AutoCloseable {
    private final Database db;
    private final HttpServer server;
    private final Router router;

    private CloudApi(Database db, HttpServer server, Router router) {
        this.db = db;
        this.server = server;
        this.router = router;
    }

    /** Blocking: runs migrations, then binds. Call from a launcher thread, not an event loop. */
    public static CloudApi start(Vertx vertx, CloudApiConfig config) {
        return start(vertx, config, new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
    }

    /** As {@link #start(Vertx, CloudApiConfig)}, recording request rates and latencies in {@code registry}. */
    public static CloudApi start(Vertx vertx, CloudApiConfig config, io.micrometer.core.instrument.MeterRegistry registry) {
        Database.migrate(config.database());
        Database db = Database.open(vertx, config.database());
        var router = Routes.build(vertx, db, config, Clock.systemUTC(), registry);
        HttpServer server = vertx.createHttpServer(new HttpServerOptions().setHost(config.host()).setPort(config.port()))
                .requestHandler(router)
                .invalidRequestHandler(new io.gantry.cloudapi.api.InvalidRequests());
        HttpServer bound = await(server.listen());
        return new CloudApi(db, bound, router);
    }

    public int port() {
        return server.actualPort();
    }

    /** The routes served, for tools that must know every path and method (the fuzz tests walk them). */
    public Router router() {
        return router;
    }

    private static <T> T await(Future<T> f) {
        try {
            return f.toCompletionStage().toCompletableFuture().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting the cloud API", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("the cloud API could not start: " + e.getCause().getMessage(), e.getCause());
        }
    }

    @Override
    public void close() {
        await(server.close());
        db.close();
    }
}
