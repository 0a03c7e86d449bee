package io.gantry.provisioner;

import io.gantry.common.coord.ZkPaths;
import io.gantry.provisioner.liveness.BeatListener;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.framework.recipes.leader.LeaderLatchListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A provisioner instance. Any number may run; a Curator {@link LeaderLatch} picks one to lead, and
 * only the leader places and dispatches. A new leader rebuilds everything from the database and
 * ZooKeeper and resumes every half-done job.
 */
public final class Provisioner implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Provisioner.class);
    private final CuratorFramework zk;
    private final ProvisionerConfig config;
    private final LeaderLatch latch;
    private final AtomicReference<LeaderLoop> leading = new AtomicReference<>();
    // the next term, readied while this provisioner follows (null once closed)
    private LeaderLoop next;
    private boolean closed;
    private final LeaderLoop.StepHook hook;
    private final ProvisionerMetrics metrics;
    private final Supplier<JobRecords> records;
    private final BeatListener beats;
    private final NodesCache nodes;

    private Provisioner(CuratorFramework zk, ProvisionerConfig config, LeaderLoop.StepHook hook, ProvisionerMetrics metrics,
                        Supplier<JobRecords> records) {
        this.zk = zk;
        this.metrics = metrics;
        this.records = records;
        this.config = config;
        this.hook = hook;
        this.latch = new LeaderLatch(zk, ZkPaths.PROVISIONER_LEADER, config.id());
        this.beats = BeatListener.start(zk, config.id(), config.liveness());
        this.nodes = new NodesCache(zk);
        nodes.start();
    }

    public static Provisioner start(CuratorFramework zk, ProvisionerConfig config) {
        return start(zk, config, LeaderLoop.StepHook.NONE);
    }

    /** As {@link #start(CuratorFramework, ProvisionerConfig)}, recording placements, finished jobs and zones per node in {@code registry}. */
    public static Provisioner start(CuratorFramework zk, ProvisionerConfig config, MeterRegistry registry) {
        return start(zk, config, LeaderLoop.StepHook.NONE, new ProvisionerMetrics(registry));
    }

    /** As {@link #start(CuratorFramework, ProvisionerConfig)}, with a hook that sees each job step (tests stop a leader between steps). */
    public static Provisioner start(CuratorFramework zk, ProvisionerConfig config, LeaderLoop.StepHook hook) {
        return start(zk, config, hook, ProvisionerMetrics.none());
    }

    private static Provisioner start(CuratorFramework zk, ProvisionerConfig config, LeaderLoop.StepHook hook, ProvisionerMetrics metrics) {
        return start(zk, config, hook, metrics, () -> new JobStore(config.jdbcUrl(), config.dbUser(), config.dbPassword()));
    }

    /**
     * The provisioner on records other than {@code config}'s database (tests: an in-memory record). Each
     * term as leader takes its records from {@code records} and closes them when it ends.
     */
    static Provisioner start(CuratorFramework zk, ProvisionerConfig config, LeaderLoop.StepHook hook, ProvisionerMetrics metrics,
                             Supplier<JobRecords> records) {
        Provisioner p = new Provisioner(zk, config, hook, metrics, records);
        p.prepareNext();
        p.latch.addListener(new LeaderLatchListener() {
            @Override
            public void isLeader() {
                p.lead();
            }

            @Override
            public void notLeader() {
                p.stepDown();
            }
        });
        try {
            p.latch.start();
        } catch (Exception e) {
            p.closeNext();
            p.nodes.close();
            p.beats.close();
            throw new IllegalStateException("provisioner " + config.id() + " cannot join the leader election: " + e.getMessage(), e);
        }
        return p;
    }

    public boolean isLeader() {
        return latch.hasLeadership();
    }

    public String id() {
        return config.id();
    }

    private synchronized void lead() {
        if (closed) {
            return; // the latch told us while it was being closed
        }
        TermClock clock = new TermClock();
        LOG.info("provisioner {} leads", config.id());
        LeaderLoop loop = next != null ? next : newTerm();
        next = null;
        leading.set(loop);
        metrics.leading(true);
        loop.start(clock);
    }

    private LeaderLoop newTerm() {
        return new LeaderLoop(zk, config, hook, metrics, records.get(), beats, nodes);
    }

    /** While following, the next term is kept ready: its nodes taken in, its connections open ({@link StandbyWarmer}). */
    private synchronized void prepareNext() {
        if (!closed && next == null) {
            next = newTerm();
            next.prepare();
        }
    }

    private synchronized void closeNext() {
        if (next != null) {
            next.close();
            next = null;
        }
    }

    private synchronized void stepDown() {
        LeaderLoop loop = leading.getAndSet(null);
        if (loop != null) {
            LOG.info("provisioner {} no longer leads", config.id());
            loop.close();
            metrics.leading(false);
        }
        prepareNext();
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
        }
        stepDown();
        closeNext();
        try {
            latch.close(LeaderLatch.CloseMode.SILENT);
        } catch (IOException | IllegalStateException e) {
            LOG.debug("leader latch close: {}", e.getMessage());
        }
        nodes.close();
        beats.close();
    }

    /** Where this provisioner hears node beats, as registered for the agents. */
    public String beatAddress() {
        return beats.address();
    }
}
