package io.gantry.provisioner;

import io.gantry.common.coord.NodeCapacity;
import io.gantry.provisioner.liveness.BeatListener;
import io.gantry.provisioner.placement.ClusterState;
import io.gantry.provisioner.placement.NodeInfo;
import io.gantry.provisioner.placement.PlacedMachine;
import io.gantry.provisioner.placement.PlacementEngine;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.random.RandomGenerator;
import org.apache.curator.framework.CuratorFramework;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One term as leader. Built and {@link #prepare prepared} while the provisioner follows (its {@link NodeWatcher} has
 * taken in every node, its record connections are open: {@link StandbyWarmer}), it does on its own thread, once
 * {@link #start started} and until it steps down: books every placed machine from the record, moves the open jobs on
 * (its first write), starts the publishers, sweeps answers an earlier leader left, then passes over the work again
 * whenever {@link Wakeups woken} (or every poll interval): lost nodes, nodes' reports, then the open jobs ({@link JobRunner}). A job moves queued → placed → dispatched →
 * succeeded/failed through one {@link JobStep} per state; each step is committed before the next and
 * is safe to repeat, so a new leader simply carries on from what the record says.
 */
public final class LeaderLoop implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LeaderLoop.class);
    private static final Duration RETRY = Duration.ofSeconds(1);
    /** How long a new term waits for its judge's first look at the nodes (it looks every 50 ms) before placing anyway. */
    private static final Duration FIRST_VERDICTS = Duration.ofSeconds(1);
    /** How long a new term waits for a removed leader's database sessions to end (a dead process's end in milliseconds). */
    static final Duration PREDECESSOR_GONE = Duration.ofSeconds(1);
    /**
     * How often a pass also writes the node rows and the per-node gauges. Both look at every node, so doing them on
     * every pass (a busy leader passes hundreds of times a second, woken by each job) cost more than the jobs themselves
     * on 1,000 nodes; a node's coming or going reaches its row within this, not within the pass.
     */
    static final Duration NODE_ROWS_EVERY = Duration.ofMillis(250);
    static final Duration NODE_GAUGES_EVERY = Duration.ofSeconds(1);

    /**
     * Sees every job step as it is committed ({@code placed}, {@code task-written}, {@code dispatched},
     * {@code finished}); tests use it to stop a leader between two steps.
     */
    public interface StepHook {
        StepHook NONE = (job, step) -> {
        };

        void after(UUID job, String step);
    }

    private final ProvisionerConfig config;
    private final ProvisionerMetrics metrics;
    private final JobRecords records;
    private final ClusterState cluster = new ClusterState();
    private final Wakeups wakeups = new Wakeups();
    private final NodeWatcher watcher;
    private final SilenceWatch silence;
    private final JobNotifications notifications;
    private final AnswerSweeper sweeper;
    private final LostNodeReconciler lostNodes;
    private final ReportReconciler reports;
    private final NodeRecorder nodeRecords;
    private final JobLanes jobs;
    private final List<JobRecords> laneRecords = new java.util.ArrayList<>();
    private final Publishers publishers;
    private final StandbyWarmer standby;
    private volatile boolean running = true;
    private final Thread thread;
    private volatile TermClock clock;
    /** The database sessions' name of the leader a follower's watch removed for this term, if it did. */
    private volatile Optional<String> predecessor = Optional.empty();
    private boolean prepared;
    private volatile boolean started;

    /** A term, not yet started: {@link #prepare} readies it while the provisioner follows, {@link #start} begins it. */
    LeaderLoop(CuratorFramework zk, ProvisionerConfig config, StepHook hook, ProvisionerMetrics metrics, JobRecords records,
               BeatListener beats, NodesCache nodes) {
        StepHook given = hook;
        hook = (job, step) -> {
            clock.stepped(job, step);
            given.after(job, step);
        };
        this.config = config;
        this.metrics = metrics;
        this.records = records;
        this.watcher = new NodeWatcher(nodes, cluster, wakeups, beats.beats());
        this.silence = new SilenceWatch(beats, watcher, config.liveness().silence());
        this.notifications = new JobNotifications(records, wakeups);
        LeaderParts leader = new LeaderParts(zk, records, cluster, watcher, metrics, hook);
        this.sweeper = new AnswerSweeper(leader);
        this.lostNodes = new LostNodeReconciler(leader);
        this.reports = new ReportReconciler(leader);
        this.nodeRecords = new NodeRecorder(leader, java.time.Clock.systemUTC());
        PlacementEngine engine = new PlacementEngine(cluster, config.placement(), RandomGenerator.getDefault());
        List<JobRunner> lanes = new java.util.ArrayList<>();
        for (int i = 0; i < config.jobLanes(); i++) {
            LeaderParts lane = leader;
            if (i > 0) {
                JobRecords own = records.another();
                if (own != records) {
                    laneRecords.add(own);
                }
                lane = new LeaderParts(zk, own, cluster, watcher, metrics, hook);
            }
            lanes.add(laneRunner(lane, engine));
        }
        this.jobs = new JobLanes(leader, lanes);
        this.publishers = new Publishers(zk, config);
        this.standby = new StandbyWarmer(watcher, records, laneRecords, config.placement());
        this.thread = new Thread(this::run, "gantry-provisioner-leader");
        this.thread.setDaemon(true);
    }

    /** One lane's runner: the steps of every job kind, on {@code lane}'s record handle. */
    private JobRunner laneRunner(LeaderParts lane, PlacementEngine engine) {
        DispatchStep dispatch = new DispatchStep(lane);
        List<JobStep> steps = List.of(new PlaceStep(lane, engine, dispatch), dispatch, new CollectStep(lane, dispatch));
        return new JobRunner(lane, steps, List.of(new MigrateStep(lane, engine)), () -> running);
    }

    /**
     * Readies the term while the provisioner follows ({@link StandbyWarmer}): the watcher takes in the nodes and keeps
     * up with them, the record's connections are opened and kept warm. Nothing is written.
     */
    synchronized void prepare() {
        if (!prepared) {
            prepared = true;
            watcher.start();
            standby.start();
        }
    }

    /**
     * The lead is won: the term begins, timed by {@code termClock}; prepared beforehand or not. {@code predecessor}
     * names the database sessions of a dead leader removed from the election before its session ended.
     */
    void start(TermClock termClock, Optional<String> predecessor) {
        this.clock = termClock;
        this.predecessor = predecessor;
        prepare();
        standby.stop();
        started = true;
        clock.mark("standby handed over");
        silence.start();
        thread.start();
        notifications.start();
    }

    /**
     * A leader removed from the election by a follower's watch died a moment ago: a commit it sent just before may not
     * have run yet, and the bookings must not miss it. Its sessions are ended (PostgreSQL's pg_terminate_backend) and
     * awaited: whatever it sent is then committed or never will be.
     */
    private void awaitPredecessorsSessionsGone(String sessions) {
        try {
            if (!records.awaitSessionsGone(sessions, PREDECESSOR_GONE)) {
                LOG.warn("leader: the last leader's database sessions ({}) are still open after {} ms; going on (every job step "
                        + "is conditional)", sessions, PREDECESSOR_GONE.toMillis());
            }
        } catch (Exception e) {
            LOG.warn("leader: cannot tell whether the last leader's database sessions ended: {}", e.toString());
        }
        clock.mark("the last leader's sessions ended");
    }

    private void run() {
        try {
            while (running && !watcher.awaitInitialized(RETRY)) {
                LOG.info("leader waits for ZooKeeper's list of nodes");
            }
        } catch (InterruptedException e) {
            return;
        }
        clock.mark("nodes read");
        try {
            if (!silence.awaitFirstVerdicts(FIRST_VERDICTS)) {
                LOG.warn("leader: the node judge has not looked within {} ms; placing by adverts alone", FIRST_VERDICTS.toMillis());
            }
        } catch (InterruptedException e) {
            return;
        }
        clock.mark("nodes judged");
        predecessor.ifPresent(this::awaitPredecessorsSessionsGone);
        // placing without every booking would double-book: no placement until the record has been read
        while (running) {
            try {
                rebuildBookings();
                break;
            } catch (Exception e) {
                LOG.error("leader cannot read the bookings from the record: {}; retrying", e.getMessage());
                Sleep.quietly(RETRY);
            }
        }
        clock.mark("bookings read");
        try {
            firstPassOverJobs();
        } catch (InterruptedException e) {
            return;
        } catch (Exception e) {
            LOG.warn("leader's first pass over the jobs: {}; the loop tries again", e.toString());
        }
        publishers.start();
        try {
            sweeper.sweep();
        } catch (Exception e) {
            LOG.warn("leader cannot remove the answers of finished jobs: {}; the next leader tries again", e.toString());
        }
        Every nodeRows = new Every(NODE_ROWS_EVERY);
        Every nodeGauges = new Every(NODE_GAUGES_EVERY);
        while (running) {
            try {
                lostNodes.reconcile();
                reports.reconcile();
                if (nodeRows.due()) {
                    nodeRecords.record();
                    nodeRows.done();
                }
                nodeRecords.applyClosures(); // before placing: a node an operator just closed takes nothing new
                jobs.runOnce();
                if (nodeGauges.due()) {
                    metrics.nodes(cluster);
                    nodeGauges.done();
                }
                wakeups.await(config.pollInterval());
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                if (running) {
                    LOG.warn("leader loop: {}; retrying", e.toString());
                    Sleep.quietly(RETRY);
                }
            }
        }
    }

    /**
     * A term's first write is a job's guarded step: before it, only what placement needs (the operators' closures). The
     * reconcilers, the node rows, the answer sweep and the publishers follow; placement judges nodes by the watcher,
     * not by the record's rows, so none of them changes where a job goes.
     */
    private void firstPassOverJobs() throws Exception {
        nodeRecords.applyClosures();
        clock.mark("closures read");
        jobs.runOnce(() -> clock.mark("open jobs read"));
        clock.mark("the first pass over the jobs");
    }

    private void rebuildBookings() throws Exception {
        for (JobStore.Booked b : records.bookings()) {
            if (cluster.node(b.node()).isEmpty()) {
                // the node has not announced itself (yet); book against an unknown, not-alive node
                cluster.upsertNode(new NodeInfo(b.node(), new NodeCapacity(0, 0, 0), Map.of(), false));
            }
            cluster.book(b.node(), new PlacedMachine(b.machine(), b.tenant(), b.name(), b.tags(), b.memoryMiB(), b.diskMiB(), b.vcpus()));
        }
    }

    /** A task due once per interval of the monotonic clock; the first time at once. */
    private static final class Every {
        private final long intervalNanos;
        private long last;
        private boolean ever;

        Every(Duration interval) {
            this.intervalNanos = interval.toNanos();
        }

        boolean due() {
            return !ever || System.nanoTime() - last >= intervalNanos;
        }

        void done() {
            ever = true;
            last = System.nanoTime();
        }
    }

    @Override
    public void close() {
        running = false;
        Threads.interruptAndJoin(thread, Duration.ofSeconds(5));
        jobs.close(); // no lane writes anything once this term's records are closed
        notifications.close();
        publishers.close();
        standby.stop();
        if (started) {
            silence.close(); // a term that never started must not stop the running term's judge
        }
        watcher.close();
        laneRecords.forEach(JobRecords::close);
        records.close();
    }
}
