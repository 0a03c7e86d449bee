package io.gantry.cloudapi;

import io.gantry.cloudapi.api.InvalidRequests;
import io.gantry.cloudapi.api.MachineJsonCache;
import io.gantry.cloudapi.api.Routes;
import io.gantry.cloudapi.auth.AuthBarrier;
import io.gantry.cloudapi.auth.KeyCache;
import io.gantry.cloudapi.store.Database;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.sqlclient.Pool;
import java.time.Clock;

/**
 * One instance of the cloud API's HTTP server: its own router, built and served on its own event
 * loop, where the Hibernate Reactive sessions its requests open are then used. Instances share the
 * database and the listening socket (Vert.x hands each new connection to the next instance); the
 * server closes when the instance is undeployed.
 */
final class ApiServer extends AbstractVerticle {
    private final HttpServerOptions options;
    private final Database db;
    private final CloudApiConfig config;
    private final MeterRegistry registry;
    private final KeyCache keys;
    private final AuthBarrier changes;
    private final Pool reads;
    private final MachineJsonCache listed;
    private volatile Router router;
    private volatile HttpServer server;

    ApiServer(HttpServerOptions options, Database db, CloudApiConfig config, MeterRegistry registry, KeyCache keys, AuthBarrier changes,
              Pool reads, MachineJsonCache listed) {
        this.options = options;
        this.listed = listed;
        this.keys = keys;
        this.changes = changes;
        this.reads = reads;
        this.db = db;
        this.config = config;
        this.registry = registry;
    }

    @Override
    public void start(Promise<Void> started) {
        router = Routes.build(vertx, db, config, Clock.systemUTC(), registry, keys, changes, reads, listed);
        vertx.createHttpServer(options)
                .requestHandler(router)
                .invalidRequestHandler(new InvalidRequests())
                .listen()
                .onSuccess(s -> {
                    server = s;
                    started.complete();
                })
                .onFailure(started::fail);
    }

    Router router() {
        return router;
    }

    HttpServer server() {
        return server;
    }

    int port() {
        return server.actualPort();
    }
}
