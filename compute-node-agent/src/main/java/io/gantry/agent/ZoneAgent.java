package io.gantry.agent;

import io.gantry.agent.runc.RuncZoneBackend;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The compute-node agent's own loop: every interval it reconciles the zones' records with what the host runs
 * ({@link RuncZoneBackend#reconcile}: zones whose init died recorded as stopped), from files alone, so an idle node
 * starts no process. Task intake and usage sampling have their own threads.
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
            RuncZoneBackend.Recovery r = backend.reconcile();
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
