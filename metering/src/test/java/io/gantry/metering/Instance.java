package io.gantry.metering;

import io.gantry.common.Json;
import io.gantry.common.usage.UsageBatch;
import io.gantry.common.usage.UsageRecord;
import io.gantry.testkit.TestZooKeeper;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import java.util.List;
import org.apache.curator.framework.CuratorFramework;

/** A metering instance under test, with its own ZooKeeper session and meter registry. */
final class Instance implements AutoCloseable {
    final CuratorFramework zk;
    final PrometheusMeterRegistry registry;
    final MeteringService service;
    private boolean closed;

    private Instance(CuratorFramework zk, PrometheusMeterRegistry registry, MeteringService service) {
        this.zk = zk;
        this.registry = registry;
        this.service = service;
    }

    static Instance start(Vertx vertx, MeteringConfig config) throws Exception {
        CuratorFramework zk = TestZooKeeper.shared().newClient();
        try {
            PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            return new Instance(zk, registry, MeteringService.start(vertx, zk, config, registry));
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
        }
    }
}
