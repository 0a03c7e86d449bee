package io.gantry.provisioner;

import io.gantry.common.ZoneState;
import io.gantry.common.coord.TaskResult;
import io.gantry.common.coord.ZoneMetadata;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * What the leader reads and writes of the record: {@link JobStore} on PostgreSQL; tests use an
 * in-memory one. Every write honours its guard (a job is placed only while queued, dispatched only
 * while placed), which is what makes each step safe to repeat after a leader change. An
 * {@link SQLException} means the record is unreachable: the leader waits and tries again.
 */
interface JobRecords extends AutoCloseable {
    /** Waits up to {@code timeout} for word that a job was queued; true if some came. Called on its own thread. */
    boolean awaitJobs(Duration timeout) throws SQLException;

    /**
     * Opens (or checks, and if broken opens again) this handle's connection, so the first use after a leader change
     * waits for none. Called while the provisioner follows; a record without connections has nothing to do.
     */
    default void warm() throws SQLException {
    }

    /** Every job not finished, oldest first. */
    List<OpenJob> openJobs() throws SQLException;

    /** Every machine that holds capacity somewhere: what placement must count as booked. */
    List<JobStore.Booked> bookings() throws SQLException;

    /** Which of {@code jobs} are finished (succeeded or failed); ids the record does not know are not. */
    Set<UUID> finishedAmong(Collection<UUID> jobs) throws SQLException;

    /**
     * Records the placement; false if the job was no longer queued (another leader moved it on).
     * {@code placement}, how the node was chosen (empty where there was no choice), joins the job's
     * params for its audit entry.
     */
    boolean markPlaced(UUID job, UUID machine, String node, Map<String, Object> placement) throws SQLException;

    /** An evacuation's target: the job goes to {@code node}, its machine stays where it is; false if no longer queued. */
    boolean markPlacedAway(UUID job, String node, Map<String, Object> added) throws SQLException;

    /** Joins {@code added} to an open job's params (the step a job of several tasks has reached); false if finished. */
    boolean advance(UUID job, Map<String, Object> added) throws SQLException;

    /** The evacuated machine is on {@code node} now, and {@code added} joins the job's params; false if finished. */
    boolean moveMachine(UUID job, UUID machine, String node, Map<String, Object> added) throws SQLException;

    /** The job's task is on its node (a no-op unless the job is placed). */
    void markDispatched(UUID job) throws SQLException;

    /**
     * Ends a job no node has acted on because its machine's delete supersedes it ({@code why} in its audit entry); a
     * provision's machine is taken off its node. False if the job was no longer queued or placed, or no delete of
     * its machine is queued after it and the machine is not deleted.
     */
    boolean supersede(OpenJob job, String why) throws SQLException;

    /** Ends a job: the machine's new state (and address and error), the job's outcome and its audit entry. */
    void finish(OpenJob job, ZoneState machineState, String ip, String error) throws SQLException;

    /** As above, with the image an IMAGE_CREATE task made (null for other jobs), which settles the job's image row. */
    default void finish(OpenJob job, ZoneState machineState, String ip, String error, TaskResult.MadeImage image) throws SQLException {
        finish(job, machineState, ip, error);
    }

    /** The machine's recorded size. */
    Size sizeOf(UUID machine) throws SQLException;

    /** A machine's size as placement books it. */
    record Size(long memoryMiB, long diskMiB, int vcpus) {
    }

    /** The machine's metadata as its zone reads it, or empty when it is deleted or unknown. */
    Optional<ZoneMetadata> zoneMetadata(UUID machine) throws SQLException;

    /** Machines on a lost node show {@code unknown}; returns how many. */
    int markNodeUnknown(String node) throws SQLException;

    /** The node's machines with no job in flight, and their recorded states. */
    Map<UUID, ZoneState> settledMachinesOn(String node) throws SQLException;

    /** As {@link #settledMachinesOn(String)} for each of {@code nodes} (a node with none maps to an empty map), read at once. */
    default Map<String, Map<UUID, ZoneState>> settledMachinesOn(Collection<String> nodes) throws SQLException {
        Map<String, Map<UUID, ZoneState>> out = new java.util.HashMap<>();
        for (String node : nodes) {
            out.put(node, settledMachinesOn(node));
        }
        return out;
    }

    /**
     * Another handle on the same record for another thread of the same leader (one database connection each): the
     * leader moves jobs of different machines on in parallel. An in-memory record that is thread-safe is its own.
     * The caller closes what it got.
     */
    default JobRecords another() {
        return this;
    }

    /**
     * Ends every database session named {@code applicationName} and waits until none is left, at most {@code max};
     * true if none is. Once a process's sessions are gone nothing it sent can still be committed. An in-memory record
     * has no sessions.
     */
    default boolean awaitSessionsGone(String applicationName, Duration max) throws SQLException {
        return true;
    }

    void setState(UUID machine, ZoneState state, String ip) throws SQLException;

    /** Writes what the leader saw of these nodes into the record's {@code compute_nodes} (never the operators' columns). */
    void recordNodes(List<NodeSighting> sightings) throws SQLException;

    /** The nodes operators have closed to new machines, with why ("in maintenance", "retired"). */
    Map<String, String> closedNodes() throws SQLException;

    @Override
    void close();
}
