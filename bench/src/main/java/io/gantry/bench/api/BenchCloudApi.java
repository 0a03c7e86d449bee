package io.gantry.bench.api;

import io.gantry.cloudapi.CloudApi;
import io.gantry.cloudapi.CloudApiConfig;
import io.gantry.cloudapi.store.DatabaseConfig;
import io.gantry.testkit.FreshDatabase;
import io.gantry.testkit.TestPostgres;
import io.vertx.core.Vertx;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** The cloud API benches' server: an embedded PostgreSQL, a fresh database, and the real cloud API on it in this JVM. */
record BenchCloudApi(TestPostgres pg, Vertx vertx, CloudApi api, DatabaseConfig db, Consumer<String> say) implements AutoCloseable {

    /** Starts all three, saying what it does through {@code say}; whatever started is stopped again if one fails. */
    static BenchCloudApi start(Consumer<String> say) throws Exception {
        say.accept("starting embedded PostgreSQL");
        TestPostgres pg = TestPostgres.start(Map.of());
        Vertx vertx = null;
        try {
            FreshDatabase fresh = pg.freshDatabase("bench");
            DatabaseConfig db = new DatabaseConfig(fresh.host(), fresh.port(), fresh.name(), fresh.user(), fresh.password(), 10);
            vertx = Vertx.vertx();
            say.accept("starting the cloud API (migrations, then bind) in this JVM");
            CloudApi api = CloudApi.start(vertx, new CloudApiConfig("127.0.0.1", 0, "http://127.0.0.1", "bench-1", db, null));
            return new BenchCloudApi(pg, vertx, api, db, say);
        } catch (Exception | Error e) {
            new BenchCloudApi(pg, vertx, null, null, say).close();
            throw e;
        }
    }

    /** The API's base URL. */
    String base() {
        return "http://127.0.0.1:" + api.port();
    }

    @Override
    public void close() throws Exception {
        say.accept("shutting down");
        if (api != null) {
            try {
                api.close();
            } catch (Exception e) {
                System.err.println("cleanup: " + e.getMessage());
            }
        }
        if (vertx != null) {
            vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
        pg.close();
    }
}
