package io.gantry.cloudapi;

import io.gantry.cloudapi.api.Routes;
import io.gantry.cloudapi.store.Database;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.time.Clock;

/** The cloud API service: migrates its database, then serves the CloudAPI dialect over HTTP. */
public final class CloudApi implements AutoCloseable {
    private final Database db;
    private final HttpServer server;

    private CloudApi(Database db, HttpServer server) {
        this.db = db;
        this.server = server;
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
                .requestHandler(router);
        HttpServer bound = await(server.listen());
        return new CloudApi(db, bound);
    }

    public int port() {
        return server.actualPort();
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
