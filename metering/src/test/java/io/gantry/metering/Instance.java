package io.gantry.metering;

import static org.awaitility.Awaitility.await;

import io.gantry.common.Json;
import io.gantry.common.usage.UsageBatch;
import io.gantry.common.usage.UsageRecord;
import io.gantry.testkit.TestZooKeeper;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import org.apache.curator.framework.CuratorFramework;

/** A metering instance under test, with its own ZooKeeper session and meter registry. */
final class Instance implements AutoCloseable {
    final CuratorFramework zk;
    final PrometheusMeterRegistry registry;
    final MeteringService service;
    private final Vertx ownVertx;
    private boolean closed;

    private Instance(CuratorFramework zk, PrometheusMeterRegistry registry, MeteringService service, Vertx ownVertx) {
        this.zk = zk;
        this.registry = registry;
        this.service = service;
        this.ownVertx = ownVertx;
    }

    /** An instance on the caller's Vert.x, which the caller closes. */
    static Instance start(Vertx vertx, MeteringConfig config) throws Exception {
        return start(vertx, config, null);
    }

    /** The only instance of a test: on a Vert.x of its own (closed with it), answered once it leads. */
    static Instance leading(MeteringConfig config) throws Exception {
        Vertx vertx = Vertx.vertx();
        Instance instance;
        try {
            instance = start(vertx, config, vertx);
        } catch (Exception | Error e) {
            vertx.close().toCompletionStage().toCompletableFuture().join();
            throw e;
        }
        try {
            await().atMost(Duration.ofSeconds(15)).until(instance.service::isLeader);
            return instance;
        } catch (RuntimeException | Error e) {
            instance.close();
            throw e;
        }
    }

    private static Instance start(Vertx vertx, MeteringConfig config, Vertx ownVertx) throws Exception {
        CuratorFramework zk = TestZooKeeper.shared().newClient();
        try {
            PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            return new Instance(zk, registry, MeteringService.start(vertx, zk, config, registry), ownVertx);
        } catch (Exception | Error e) {
            zk.close();
            throw e;
        }
    }

    String url(String path) {
        return "http://127.0.0.1:" + service.port() + path;
    }

    Http.Response send(List<UsageRecord> records) {
        return Http.post(url("/v1/usage"), Json.write(new UsageBatch("node-1", records)));
    }

    /** Sends the records and fails unless they were all acknowledged. */
    void ingest(List<UsageRecord> records) {
        Http.Response r = send(records);
        if (r.status() != 200) {
            throw new AssertionError("ingest answered " + r.status() + ": " + r.body());
        }
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            service.close();
            zk.close();
            if (ownVertx != null) {
                ownVertx.close().toCompletionStage().toCompletableFuture().join();
            }
        }
    }
}
