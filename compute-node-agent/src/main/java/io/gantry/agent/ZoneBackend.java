package io.gantry.agent;

import io.gantry.common.GantryException;
import io.gantry.common.ResourceUpdate;
import io.gantry.common.Zone;
import io.gantry.common.ZoneSpec;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * What runs zones on a node. {@code runc} is the real one; {@code simulated} keeps zones in memory
 * for unit tests and scale simulation and never stands in where isolation is claimed.
 *
 * <p>Every call is safe to retry: creating an existing UUID with the same spec returns that zone,
 * starting a running zone or stopping a stopped one does nothing.
 */
public interface ZoneBackend extends AutoCloseable {

    /** "runc" or "simulated". */
    String name();

    /** Builds the zone and starts it; returns it running (or failed, with a reason). */
    Zone create(ZoneSpec spec);

    Zone start(UUID uuid);

    /** Asks the zone's init to stop (SIGTERM), and kills it (SIGKILL) if it has not stopped within {@code grace}. */
    Zone stop(UUID uuid, Duration grace);

    Zone reboot(UUID uuid, Duration grace);

    /** Removes the zone and everything the node made for it. */
    void delete(UUID uuid);

    /** Memory, CPU and lwps change live; the disk grows only while the zone is stopped and never shrinks. */
    Zone update(UUID uuid, ResourceUpdate update);

    /**
     * Makes the zone's NICs exactly {@code spec.nics()} (eth0, eth1, … in that order), adding the missing ones and
     * removing the others, live if the zone runs; the rest of {@code spec} must be the zone's as it is.
     */
    Zone updateNics(ZoneSpec spec);

    /**
     * Takes snapshot {@code name} of the zone's disk, running or stopped, and returns the bytes it takes on the zone's
     * disk (snapshots count against it). A snapshot of that name already there is returned as it is (a retried task).
     */
    default long createSnapshot(UUID uuid, String name) {
        throw GantryException.invalid("the " + name() + " zone backend has no snapshots");
    }

    /** Removes the zone's snapshot {@code name}; one that is not there is removed already. */
    default void deleteSnapshot(UUID uuid, String name) {
        throw GantryException.invalid("the " + name() + " zone backend has no snapshots");
    }

    /** Stops the zone if it runs (within {@code grace}), makes its disk exactly what it was at snapshot {@code name}, and starts it. */
    default Zone startFromSnapshot(UUID uuid, String name, Duration grace) {
        throw GantryException.invalid("the " + name() + " zone backend has no snapshots");
    }

    /** Writes the stopped zone's whole root filesystem (its image with its changes) to {@code tarball}, a tar file a zone can boot from. */
    default void exportRoot(UUID uuid, java.nio.file.Path tarball) {
        throw GantryException.invalid("the " + name() + " zone backend cannot make images");
    }

    List<Zone> list();

    Optional<Zone> find(UUID uuid);

    default Zone get(UUID uuid) {
        return find(uuid).orElseThrow(() -> GantryException.notFound("zone " + uuid + " does not exist on this node"));
    }

    /** Runs a command inside a running zone and returns its exit code and output. */
    ExecResult exec(UUID uuid, List<String> command, Duration timeout);

    /** The zone's usage counters as the kernel reports them now. */
    ZoneCounters counters(UUID uuid);

    /**
     * For usage metering, once a second per zone: the zone's current run and its counters, read from
     * files only (no process is started), or empty while the zone does not run. The counters are
     * those the meter uses; a backend may leave the limits and lwps out (-1). Throws
     * {@link GantryException} with {@code ResourceNotFound} if the zone does not exist (also when it
     * vanished or restarted while it was being read: a caller then simply reads it again later).
     *
     * <p>The default refuses: a backend that is to be metered says what its runs are.
     */
    default Optional<ZoneRun> currentRun(UUID uuid) {
        throw new UnsupportedOperationException("the " + name() + " zone backend cannot be metered (no currentRun)");
    }

    @Override
    default void close() {
    }
}
