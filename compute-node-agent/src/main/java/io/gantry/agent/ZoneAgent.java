package io.gantry.agent;

import io.gantry.agent.runc.RuncZoneBackend;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The compute-node agent's own loop. Today it reconciles: every interval it asks the host what
 * runs and records zones whose init died as stopped. Later issues add task intake and usage
 * sampling here.
 */
public final class ZoneAgent implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ZoneAgent.class);
    private final RuncZoneBackend backend;
    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "gantry-agent-reconcile");
        t.setDaemon(true);
        return t;
    });

    public ZoneAgent(RuncZoneBackend backend) {
        this.backend = backend;
    }

    public void start(Duration interval) {
        loop.scheduleWithFixedDelay(this::reconcileOnce, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    public void reconcileOnce() {
        try {
            RuncZoneBackend.Recovery r = backend.recover();
            for (var uuid : r.foundStopped()) {
                LOG.warn("zone {} stopped by itself (its init exited); recorded as stopped", uuid);
            }
        } catch (RuntimeException e) {
            LOG.error("reconcile failed: {}", e.getMessage());
        }
    }

    @Override
    public void close() {
        loop.shutdownNow();
    }
}
