package io.gantry.provisioner;

import io.gantry.common.coord.ZkPaths;
import io.gantry.provisioner.liveness.BeatListener;
import io.gantry.provisioner.liveness.LifeLine;
import io.gantry.provisioner.liveness.NodeLiveness;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.CuratorWatcher;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.framework.recipes.leader.LeaderLatchListener;
import org.apache.curator.framework.imps.CuratorFrameworkState;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A provisioner instance. Any number may run; a Curator {@link LeaderLatch} picks one to lead, and
 * only the leader places and dispatches. A new leader rebuilds everything from the database and
 * ZooKeeper and resumes every half-done job. A follower watches the leader's process through its {@link LifeLine}
 * ({@link DeadLeaderWatch}) and takes the lead as soon as that process dies; a leader whose election member is removed
 * while it lives steps down and stands again.
 */
public final class Provisioner implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Provisioner.class);
    private final CuratorFramework zk;
    private final ProvisionerConfig config;
    private volatile LeaderLatch latch;
    private final AtomicReference<LeaderLoop> leading = new AtomicReference<>();
    // the next term, readied while this provisioner follows (null once closed)
    private LeaderLoop next;
    private boolean closed;
    private final LeaderLoop.StepHook hook;
    private final ProvisionerMetrics metrics;
    private final Supplier<JobRecords> records;
    private final BeatListener beats;
    private final NodesCache nodes;
    private final Optional<LifeLine> lifeLine;
    private final DeadLeaderWatch leaderWatch;
    /** This process's run of the provisioner: new with every start, in its life line's greeting and its database sessions' name. */
    private final String incarnation;
    /** The record handle that ends a dead leader's database sessions, opened when first needed (on the watch's thread). */
    private JobRecords sessionEnder;

    private Provisioner(CuratorFramework zk, String incarnation, ProvisionerConfig config, LeaderLoop.StepHook hook,
                        ProvisionerMetrics metrics, Supplier<JobRecords> records) {
        this.incarnation = incarnation;
        this.zk = zk;
        this.metrics = metrics;
        this.records = records;
        this.config = config;
        this.hook = hook;
        this.latch = new LeaderLatch(zk, ZkPaths.PROVISIONER_LEADER, config.id());
        Listeners ears = Listeners.open(zk, config.id(), incarnation, config.liveness());
        this.beats = ears.beats();
        this.lifeLine = ears.lifeLine();
        this.leaderWatch = new DeadLeaderWatch(zk, ZkPaths.PROVISIONER_LEADER, this::endSessionsOf);
        this.nodes = new NodesCache(zk);
        nodes.start();
    }

    /** The beat socket (UDP) and the life line (TCP), on one port number. */
    private record Listeners(BeatListener beats, Optional<LifeLine> lifeLine) {
        /** On {@code liveness}'s port, or on an unset one a port free for both (one free for UDP may be taken on TCP). */
        static Listeners open(CuratorFramework zk, String id, String incarnation, NodeLiveness liveness) {
            for (int tries = 0; liveness.port() == 0 && tries < 10; tries++) {
                Optional<LifeLine> line = LifeLine.open(id, incarnation, liveness.host(), 0);
                if (line.isEmpty()) {
                    break;
                }
                try {
                    return new Listeners(BeatListener.start(zk, id, liveness.withPort(line.get().port())), line);
                } catch (IllegalStateException taken) {
                    line.get().close();
                }
            }
            BeatListener beats = BeatListener.start(zk, id, liveness);
            return new Listeners(beats, LifeLine.open(id, incarnation, liveness.host(), beats.port()));
        }
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
        String incarnation = newIncarnation();
        ProvisionerConfig named = config.withApplicationName(applicationName(incarnation));
        return start(zk, incarnation, named, hook, metrics, () -> new JobStore(named.jdbcUrl(), named.dbUser(), named.dbPassword()));
    }

    /**
     * The provisioner on records other than {@code config}'s database (tests: an in-memory record). Each
     * term as leader takes its records from {@code records} and closes them when it ends.
     */
    static Provisioner start(CuratorFramework zk, ProvisionerConfig config, LeaderLoop.StepHook hook, ProvisionerMetrics metrics,
                             Supplier<JobRecords> records) {
        return start(zk, newIncarnation(), config, hook, metrics, records);
    }

    private static Provisioner start(CuratorFramework zk, String incarnation, ProvisionerConfig config, LeaderLoop.StepHook hook,
                                     ProvisionerMetrics metrics, Supplier<JobRecords> records) {
        Provisioner p = new Provisioner(zk, incarnation, config, hook, metrics, records);
        p.prepareNext();
        try {
            p.stand(p.latch);
        } catch (Exception e) {
            p.closeNext();
            p.nodes.close();
            p.lifeLine.ifPresent(LifeLine::close);
            p.beats.close();
            throw new IllegalStateException("provisioner " + config.id() + " cannot join the leader election: " + e.getMessage(), e);
        }
        p.leaderWatch.start();
        CompletableFuture.runAsync(p::openSessionEnder);
        return p;
    }

    /** Joins the election with {@code member}; its news counts only while it is this provisioner's current latch. */
    private void stand(LeaderLatch member) throws Exception {
        member.addListener(new LeaderLatchListener() {
            @Override
            public void isLeader() {
                if (member == latch) {
                    lead();
                }
            }

            @Override
            public void notLeader() {
                if (member == latch) {
                    stepDown();
                }
            }
        });
        member.start();
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
        loop.start(clock, leaderWatch.takeDeposed().map(Provisioner::applicationName));
        watchOwnMember(latch);
    }

    /**
     * While leading, watches this provisioner's own election member: a follower removes it when it judges this process
     * dead ({@link DeadLeaderWatch}), which should never happen to a living leader; if it does, two would lead, so this
     * one steps down at once. (Curator's latch does not watch the leader's own member.) Set in the background: this
     * runs on ZooKeeper's event thread.
     */
    private void watchOwnMember(LeaderLatch member) {
        String path = member.getOurPath();
        if (path == null) {
            return;
        }
        CuratorWatcher removed = event -> {
            if (event.getType() == Watcher.Event.EventType.NodeDeleted) {
                memberRemoved(member);
            }
        };
        try {
            zk.checkExists().usingWatcher(removed).inBackground((client, event) -> {
                if (event.getResultCode() == KeeperException.Code.NONODE.intValue()) {
                    memberRemoved(member);
                }
            }).forPath(path);
        } catch (Exception e) {
            LOG.debug("provisioner {}: cannot watch its election member: {}", config.id(), e.toString());
        }
    }

    /** Steps down and stands again with a new member, off ZooKeeper's event thread. */
    private void memberRemoved(LeaderLatch member) {
        Thread restand = new Thread(() -> {
            LeaderLatch fresh;
            synchronized (this) {
                if (closed || member != latch || leading.get() == null || zk.getState() != CuratorFrameworkState.STARTED) {
                    return;
                }
                LOG.warn("provisioner {}: its election member was removed while it leads (a follower judged it dead); it steps down "
                        + "and stands again", config.id());
                fresh = new LeaderLatch(zk, ZkPaths.PROVISIONER_LEADER, config.id());
                latch = fresh;
            }
            stepDown();
            closeQuietly(member);
            try {
                stand(fresh);
            } catch (Exception e) {
                LOG.error("provisioner {}: cannot stand again in the leader election: {}", config.id(), e.toString());
            }
        }, "gantry-provisioner-restand");
        restand.setDaemon(true);
        restand.start();
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
        leaderWatch.close();
        stepDown();
        closeNext();
        closeQuietly(latch);
        // after leaving the election: a follower that sees the life line end then finds no member to remove
        lifeLine.ifPresent(LifeLine::close);
        synchronized (this) {
            if (sessionEnder != null) {
                sessionEnder.close();
            }
        }
        nodes.close();
        beats.close();
    }

    private static void closeQuietly(LeaderLatch member) {
        try {
            member.close(LeaderLatch.CloseMode.SILENT);
        } catch (IOException | IllegalStateException e) {
            LOG.debug("leader latch close: {}", e.getMessage());
        }
    }

    private static String newIncarnation() {
        return HexFormat.of().formatHex(ByteBuffer.allocate(8).putLong(new SecureRandom().nextLong()).array());
    }

    /** The name of the database sessions of the provisioner process in {@code incarnation}. */
    static String applicationName(String incarnation) {
        return "gantry-provisioner " + incarnation;
    }

    /**
     * A dead leader's database sessions are ended as soon as its death is seen, while the election and this
     * provisioner's term start go on: the term, which must not read the bookings before they are gone, then usually
     * finds them gone.
     */
    private void endSessionsOf(String deadIncarnation) {
        try {
            Optional<JobRecords> ender = openSessionEnder();
            if (ender.isPresent()) {
                synchronized (ender.get()) {
                    ender.get().awaitSessionsGone(applicationName(deadIncarnation), LeaderLoop.PREDECESSOR_GONE);
                }
            }
        } catch (Exception e) {
            LOG.warn("provisioner {}: cannot end the dead leader's database sessions: {}", config.id(), e.toString());
        }
    }

    /**
     * The handle that ends a dead leader's sessions, its connection opened at the start (a connection opened when a
     * leader dies would cost its handshake at the worst moment). Empty once closed.
     */
    private Optional<JobRecords> openSessionEnder() {
        JobRecords ender;
        synchronized (this) {
            if (closed) {
                return Optional.empty();
            }
            if (sessionEnder == null) {
                sessionEnder = records.get();
            }
            ender = sessionEnder;
        }
        try {
            synchronized (ender) { // one connection, used by one thread at a time
                ender.warm();
            }
        } catch (Exception e) {
            LOG.debug("provisioner {}: the session ender's connection: {}", config.id(), e.toString());
        }
        return Optional.of(ender);
    }

    /** Connections held open on this provisioner's life line (a follower's watch holds one to the leader's). */
    int lifeLineConnections() {
        return lifeLine.map(LifeLine::connections).orElse(0);
    }

    /** Closes the life line alone, as this process's death would, its ZooKeeper session untouched (tests). */
    void cutLifeLine() {
        lifeLine.ifPresent(LifeLine::close);
    }

    /** Where this provisioner hears node beats, as registered for the agents. */
    public String beatAddress() {
        return beats.address();
    }
}
