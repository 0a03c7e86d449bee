package io.gantry.provisioner;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * One pass over the open jobs in several lanes at once: each step of a job waits on PostgreSQL and ZooKeeper, so one
 * job after another leaves both idle most of the time. A machine's jobs always go to the same lane (by its id), so its
 * jobs still move on one at a time and in order; each lane has its own {@link JobRunner} on its own record handle
 * (connection). What keeps a job exactly-once is unchanged: each step's guarded write in the record, and bookings
 * under each node's lock in the shared {@link io.gantry.provisioner.placement.ClusterState}.
 */
final class JobLanes implements AutoCloseable {
    private final LeaderParts leader;
    private final List<JobRunner> lanes;
    private final ExecutorService pool;

    /** {@code leader}'s record reads the open jobs; {@code lanes} move them on. */
    JobLanes(LeaderParts leader, List<JobRunner> lanes) {
        if (lanes.isEmpty()) {
            throw new IllegalArgumentException("at least one lane");
        }
        this.leader = leader;
        this.lanes = List.copyOf(lanes);
        this.pool = lanes.size() == 1 ? null : Executors.newFixedThreadPool(lanes.size(), r -> {
            Thread t = new Thread(r, "gantry-provisioner-jobs");
            t.setDaemon(true);
            return t;
        });
    }

    void runOnce() throws SQLException, InterruptedException {
        runOnce(() -> { });
    }

    /** As {@link #runOnce()}, telling {@code read} once the open jobs are read (a term's first pass is timed by phase). */
    void runOnce(Runnable read) throws SQLException, InterruptedException {
        List<OpenJob> due = JobRunner.due(leader);
        read.run();
        if (pool == null || due.size() <= 1) {
            lanes.get(0).advance(due);
            return;
        }
        List<List<OpenJob>> byLane = new ArrayList<>();
        lanes.forEach(l -> byLane.add(new ArrayList<>()));
        for (OpenJob job : due) {
            byLane.get(Math.floorMod(job.machine().id().hashCode(), lanes.size())).add(job);
        }
        List<Future<?>> running = new ArrayList<>();
        for (int i = 0; i < lanes.size(); i++) {
            if (!byLane.get(i).isEmpty()) {
                JobRunner lane = lanes.get(i);
                List<OpenJob> jobs = byLane.get(i);
                running.add(pool.submit(() -> {
                    lane.advance(jobs);
                    return null;
                }));
            }
        }
        SQLException unreachable = null;
        try {
            for (Future<?> f : running) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof SQLException sql) {
                        unreachable = sql;
                    } else if (e.getCause() instanceof RuntimeException re) {
                        throw re;
                    } else {
                        throw new IllegalStateException(e.getCause());
                    }
                }
            }
        } catch (InterruptedException e) {
            running.forEach(f -> f.cancel(true));
            throw e;
        }
        if (unreachable != null) {
            throw unreachable; // the record is unreachable: the whole loop waits and retries
        }
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdownNow();
            try {
                pool.awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
