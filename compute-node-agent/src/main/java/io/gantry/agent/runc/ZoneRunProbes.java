package io.gantry.agent.runc;

import io.gantry.agent.ZoneRun;
import io.gantry.common.GantryException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The open {@link ZoneRunProbe} of each running zone, for {@link RuncZoneBackend#currentRun}: a zone's
 * files are looked up (runc's state, the init's /proc entries, the cgroup paths, whether the disk is
 * mounted) and opened once per run, then each reading is one positional read per file. When a read
 * finds the run ended, the probe is closed and the zone's run looked up afresh (stopped: none; restarted:
 * a new probe). {@link #close(UUID)} before a zone is removed lets go of its files.
 */
final class ZoneRunProbes implements AutoCloseable {
    private final RuncStateCache states;
    private final Function<ZoneLayout, ZoneRunProbe.CgroupFiles> cgroupFiles;
    private final Path proc;
    private final ConcurrentHashMap<UUID, ZoneRunProbe> probes = new ConcurrentHashMap<>();

    ZoneRunProbes(RuncStateCache states, Function<ZoneLayout, ZoneRunProbe.CgroupFiles> cgroupFiles, Path proc) {
        this.states = states;
        this.cgroupFiles = cgroupFiles;
        this.proc = proc;
    }

    /** As {@link RuncZoneBackend#currentRun}: the run of the zone at {@code layout} and its counters now. */
    Optional<ZoneRun> currentRun(ZoneLayout layout) {
        UUID uuid = layout.uuid();
        ZoneRunProbe probe = probes.get(uuid);
        if (probe != null) {
            try {
                return Optional.of(probe.read());
            } catch (ZoneRunProbe.RunEnded ended) {
                drop(uuid, probe); // stopped, restarted or deleted since the last reading: look again below
            } catch (CounterFile.NotACounterException e) {
                drop(uuid, probe);
                throw new UncheckedIOException(e);
            }
        }
        if (!Files.isDirectory(layout.dir())) {
            throw GantryException.notFound("zone " + uuid + " does not exist on this node");
        }
        Optional<RuncStateFile.Init> init = states.read(layout.containerId()).filter(RuncStateFile.Init::alive);
        if (init.isEmpty()) {
            return Optional.empty();
        }
        Path disk = layout.diskMount();
        try {
            probe = ZoneRunProbe.open(init.get(), cgroupFiles.apply(layout), proc, isMountPoint(disk) ? disk : null);
        } catch (ZoneRunProbe.RunEnded e) {
            throw GantryException.notFound("zone " + uuid + " stopped or restarted while it was read");
        }
        ZoneRunProbe old = probes.put(uuid, probe);
        if (old != null) {
            old.close();
        }
        try {
            return Optional.of(probe.read());
        } catch (ZoneRunProbe.RunEnded ended) {
            drop(uuid, probe);
            throw GantryException.notFound("zone " + uuid + " stopped or restarted while it was read");
        } catch (CounterFile.NotACounterException e) {
            drop(uuid, probe);
            throw new UncheckedIOException(e);
        }
    }

    /** Lets go of the zone's files (before it is removed: the open net/dev holds its network namespace). */
    void close(UUID uuid) {
        ZoneRunProbe probe = probes.remove(uuid);
        if (probe != null) {
            probe.close();
        }
    }

    /** Zones whose files are open now. */
    int open() {
        return probes.size();
    }

    @Override
    public void close() {
        for (UUID uuid : probes.keySet()) {
            close(uuid);
        }
    }

    private void drop(UUID uuid, ZoneRunProbe probe) {
        if (probes.remove(uuid, probe)) {
            probe.close();
        }
    }

    /** A directory is a mount point when it lives on another device than its parent (two stats, no mount table). */
    static boolean isMountPoint(Path dir) {
        try {
            Object dev = Files.getAttribute(dir, "unix:dev");
            return !dev.equals(Files.getAttribute(dir.getParent(), "unix:dev"));
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }
}
