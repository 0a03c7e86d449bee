package io.gantry.agent.coord;

import io.gantry.agent.ZoneBackend;
import io.gantry.common.Json;
import io.gantry.common.Zone;
import io.gantry.common.coord.NodeReport;
import io.gantry.common.coord.ZkPaths;
import java.io.Closeable;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.framework.state.ConnectionStateListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the persistent znode {@link ZkPaths#report} showing what the node really runs: written at
 * start, every {@code interval}, whenever {@link #reportSoon()} is asked (after each task), and
 * after a reconnect. Writes happen on the reporter's own thread.
 */
public final class NodeReporter implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(NodeReporter.class);

    private final CuratorFramework client;
    private final String node;
    private final ZoneBackend backend;
    private final Duration interval;
    private final Clock clock;
    private final ScheduledExecutorService thread;
    private final AtomicBoolean queued = new AtomicBoolean();
    private final ConnectionStateListener onReconnect = (c, state) -> {
        if (state == ConnectionState.RECONNECTED) {
            reportSoon();
        }
    };
    private volatile boolean failing;

    public NodeReporter(CuratorFramework client, String node, ZoneBackend backend, Duration interval, Clock clock) {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("report interval must be positive");
        }
        this.client = client;
        this.node = node;
        this.backend = backend;
        this.interval = interval;
        this.clock = clock;
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "gantry-node-reporter-" + node);
            t.setDaemon(true);
            return t;
        });
    }

    public void start() {
        client.getConnectionStateListenable().addListener(onReconnect);
        thread.scheduleWithFixedDelay(this::report, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Asks for a report as soon as the reporter's thread is free; requests made meanwhile share it. */
    public void reportSoon() {
        if (queued.compareAndSet(false, true)) {
            try {
                thread.execute(() -> {
                    queued.set(false);
                    report();
                });
            } catch (RejectedExecutionException closed) {
                queued.set(false);
            }
        }
    }

    public NodeReport snapshot() {
        Map<UUID, NodeReport.ReportedZone> zones = new HashMap<>();
        for (Zone z : backend.list()) {
            zones.put(z.uuid(), new NodeReport.ReportedZone(z.state(), z.ip()));
        }
        return new NodeReport(node, zones, clock.instant());
    }

    private void report() {
        try {
            byte[] json = Json.write(snapshot()).getBytes(StandardCharsets.UTF_8);
            client.create().orSetData().creatingParentsIfNeeded().forPath(ZkPaths.report(node), json);
            if (failing) {
                LOG.info("node {}: report written again", node);
                failing = false;
            }
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
                return;
            }
            if (!failing) {
                LOG.warn("node {}: cannot write the report ({}); will try again", node, e.toString());
                failing = true;
            }
        }
    }

    @Override
    public void close() {
        client.getConnectionStateListenable().removeListener(onReconnect);
        thread.shutdownNow();
        try {
            if (!thread.awaitTermination(5, TimeUnit.SECONDS)) {
                LOG.warn("node {}: the reporter did not stop within 5 s", node);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
