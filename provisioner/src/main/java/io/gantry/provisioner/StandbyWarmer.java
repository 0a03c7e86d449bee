package io.gantry.provisioner;

import io.gantry.provisioner.placement.PlacementPolicy;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the next term ready while the provisioner follows, on its own thread: the term's {@link NodeWatcher} takes in
 * every node from the cache (its bookable nodes are current when the lead comes), and the term's record handles hold
 * open connections on which the leader's reads have run once (the open jobs, the closures, the bookings: the driver and
 * the JSON readers are loaded) and a placement and guarded writes have been rehearsed ({@link TermRehearsal}). Then
 * the connections are checked every {@link #EVERY}, which also drains the notifications the job listener hears
 * meanwhile (a new leader's first pass reads every open job anyway). Nothing here needs the lead or changes the
 * record. {@link #stop} hands the handles over, never while one is in use.
 */
final class StandbyWarmer {
    private static final Logger LOG = LoggerFactory.getLogger(StandbyWarmer.class);
    static final Duration EVERY = Duration.ofSeconds(5);

    private final NodeWatcher watcher;
    private final JobRecords records;
    private final List<JobRecords> lanes;
    private final PlacementPolicy policy;
    private final Thread thread;
    private final Object inUse = new Object();
    private volatile boolean stopped;

    /** {@code records} reads and listens; each of {@code lanes} only holds its connection; placement is rehearsed by {@code policy}. */
    StandbyWarmer(NodeWatcher watcher, JobRecords records, List<JobRecords> lanes, PlacementPolicy policy) {
        this.watcher = watcher;
        this.policy = policy;
        this.records = records;
        this.lanes = List.copyOf(lanes);
        this.thread = new Thread(this::run, "gantry-provisioner-standby");
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    private void run() {
        try {
            long since = System.nanoTime();
            while (!stopped && !watcher.awaitInitialized(EVERY)) {
                LOG.debug("standby waits for ZooKeeper's list of nodes");
            }
            boolean ready = false;
            while (!stopped) {
                synchronized (inUse) {
                    if (stopped) {
                        return;
                    }
                    if (!ready && warm(true)) {
                        ready = true;
                        LOG.info("standby ready: nodes taken in, {} record connections open and warm, after {} ms", lanes.size() + 2,
                                (System.nanoTime() - since) / 1_000_000);
                    } else if (ready) {
                        warm(false);
                    }
                }
                Thread.sleep(EVERY.toMillis());
            }
        } catch (InterruptedException e) {
            // stopped: the term starts
        }
    }

    /**
     * One round; true if it went through. The first runs the leader's reads once; later ones only check the connections
     * (reconnecting a broken one) and drain the job listener, so a round rarely holds up a term's start.
     */
    private boolean warm(boolean reads) {
        try {
            records.warm();
            if (reads) {
                records.openJobs();
                records.closedNodes();
                records.bookings();
                TermRehearsal.rehearse(records, policy);
            }
            records.awaitJobs(Duration.ofMillis(1));
            for (JobRecords lane : lanes) {
                lane.warm();
            }
            return true;
        } catch (Exception e) {
            LOG.debug("standby cannot warm the record's connections: {}; again in {} s", e.toString(), EVERY.toSeconds());
            return false;
        }
    }

    /** Stops warming; returns once no handle is in use (a round of reads under way is let finish). */
    void stop() {
        if (stopped) {
            return;
        }
        synchronized (inUse) {
            stopped = true;
            thread.interrupt(); // it is asleep or waiting for the nodes, not reading: it holds no handle
        }
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
