package io.gantry.provisioner;

import io.gantry.common.GantryException;
import io.gantry.common.JobKind;
import io.gantry.common.JobState;
import io.gantry.common.ZoneState;
import java.sql.SQLException;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One pass over the open jobs: each job is moved on by the step for its state. Only a machine's
 * oldest open job moves (its next waits until it is finished), unless its machine's delete supersedes
 * it ({@link SupersededByDelete}); a provision waits, rather than fails, while no node is alive. A
 * job's trouble stays its own: a request that cannot be carried out finishes its job failed, anything
 * else is tried again on the next pass, and only an unreachable record stops the pass.
 */
final class JobRunner {
    private static final Logger LOG = LoggerFactory.getLogger(JobRunner.class);

    private final LeaderParts leader;
    private final Map<JobState, JobStep> steps = new EnumMap<>(JobState.class);
    private final Map<JobKind, KindStep> kindSteps = new EnumMap<>(JobKind.class);
    private final BooleanSupplier running;
    private final SupersededByDelete superseded;

    JobRunner(LeaderParts leader, List<JobStep> steps, BooleanSupplier running) {
        this(leader, steps, List.of(), running);
    }

    /** {@code kindSteps}: the kinds whose jobs their own step moves on in every state (an evacuation's). */
    JobRunner(LeaderParts leader, List<JobStep> steps, List<KindStep> kindSteps, BooleanSupplier running) {
        this.leader = leader;
        for (KindStep step : kindSteps) {
            if (this.kindSteps.put(step.kind(), step) != null) {
                throw new IllegalArgumentException("two steps move " + step.kind().wireName() + " jobs on");
            }
        }
        for (JobStep step : steps) {
            if (this.steps.put(step.from(), step) != null) {
                throw new IllegalArgumentException("two steps move jobs on from " + step.from().wireName());
            }
        }
        this.running = running;
        this.superseded = new SupersededByDelete(leader);
    }

    void runOnce() throws SQLException {
        advance(due(leader));
    }

    /** The jobs a pass moves on: each machine's oldest open job, oldest first, marked when a delete of its machine follows it. */
    static List<OpenJob> due(LeaderParts leader) throws SQLException {
        List<OpenJob> open = leader.records().openJobs();
        Set<UUID> deleting = open.stream().filter(j -> j.action() == JobKind.DELETE).map(j -> j.machine().id())
                .collect(Collectors.toSet());
        return firstJobPerMachine(open).stream()
                .map(j -> j.action() != JobKind.DELETE && deleting.contains(j.machine().id()) ? j.withDeleteQueued() : j)
                .toList();
    }

    /** Moves each of {@code jobs} on by one step (or several, as its steps do), in order, on this thread. */
    void advance(List<OpenJob> jobs) throws SQLException {
        boolean anyNodeAlive = leader.watcher().anyNodeAlive();
        for (OpenJob job : jobs) {
            if (!running.getAsBoolean()) {
                return;
            }
            if (!anyNodeAlive && job.state() == JobState.QUEUED && job.action() == JobKind.PROVISION && !job.deleteQueued()) {
                continue; // no node is up (yet): the job waits rather than fails
            }
            advanceOne(job);
        }
    }

    private static List<OpenJob> firstJobPerMachine(List<OpenJob> jobs) {
        Set<UUID> seen = new HashSet<>();
        return jobs.stream().filter(j -> seen.add(j.machine().id())).toList();
    }

    private void advanceOne(OpenJob job) throws SQLException {
        try {
            if (superseded.endIfSuperseded(job)) {
                return; // its machine's delete comes next, with no node to ask if this never reached one
            }
            KindStep own = kindSteps.get(job.action());
            if (own != null) {
                own.advance(job);
                return;
            }
            JobStep step = steps.get(job.state());
            if (step == null) {
                throw new IllegalStateException("job " + job.id() + " is " + job.state().wireName() + ": no step moves it on");
            }
            step.advance(job);
        } catch (GantryException e) {
            // the request itself cannot be carried out (e.g. an affinity rule placement cannot read)
            LOG.info("job {} ({} of machine {}) failed: {}", job.id(), job.action().wireName(), job.machine().id(), e.getMessage());
            if (job.action() == JobKind.PROVISION) {
                leader.cluster().release(job.machine().id());
            }
            ZoneState after = job.action() == JobKind.PROVISION ? ZoneState.FAILED : job.machine().state();
            leader.finisher().finish(job, after, null, e.getMessage());
        } catch (SQLException e) {
            throw e; // the record is unreachable: the whole loop waits and retries
        } catch (Exception e) {
            LOG.warn("job {}: {}; will retry", job.id(), e.toString());
        }
    }
}
