package io.gantry.agent.runc;

import io.gantry.agent.ZoneCounters;
import io.gantry.agent.ZoneRun;
import java.io.Closeable;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The files metering reads of one run of one zone, opened once when the run is first read and read
 * again every tick with one positional read each (see {@link CounterFile}): the cgroup's CPU, memory,
 * OOM and refused-fork counters, the init's {@code /proc/<pid>/net/dev} (the zone's side of eth0)
 * and {@code /proc/<pid>/stat}, and a statvfs of the zone's disk.
 *
 * <p>Every handle belongs to this run for good: an open cgroup file of a removed cgroup fails
 * (ENODEV) even when the restarted zone's cgroup is made again at the same path, and an open
 * {@code /proc/<pid>/stat} names that very process, so a recycled PID fails too (ESRCH). A reading
 * is taken only if the init still lives (and is not a zombie) after the counters were read; any
 * failed read ends the probe ({@link RunEnded}) and its owner looks up the zone's run afresh.
 *
 * <p>The open {@code net/dev} holds the zone's network namespace (named, it lives as long as the
 * zone anyway): the backend closes the probe before it removes a zone.
 */
final class ZoneRunProbe implements Closeable {
    private static final byte[] OOM_KILL = "oom_kill".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] MAX = "max".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] USAGE_USEC = "usage_usec".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ETH0 = "eth0".getBytes(StandardCharsets.US_ASCII);

    /** The run ended (or was never the one asked for) while its files were opened or read. */
    static final class RunEnded extends Exception {
        RunEnded(String message) {
            super(message, null, false, false);
        }
    }

    /** Where a zone's cgroup counters are, as the host mounts cgroups. */
    record CgroupFiles(boolean v2, Path cpu, Path memory, Path memoryPeak, Path oomEvents, Path pidsEvents) {
        static CgroupFiles of(Path cgroupRoot, boolean v2, String cgroupsPath) {
            String rel = cgroupsPath.substring(1);
            if (v2) {
                Path dir = cgroupRoot.resolve(rel);
                return new CgroupFiles(true, dir.resolve("cpu.stat"), dir.resolve("memory.current"), dir.resolve("memory.peak"),
                        dir.resolve("memory.events"), dir.resolve("pids.events"));
            }
            Path memory = cgroupRoot.resolve("memory").resolve(rel);
            return new CgroupFiles(false, cgroupRoot.resolve("cpuacct").resolve(rel).resolve("cpuacct.usage"),
                    memory.resolve("memory.usage_in_bytes"), memory.resolve("memory.max_usage_in_bytes"),
                    memory.resolve("memory.oom_control"), cgroupRoot.resolve("pids").resolve(rel).resolve("pids.events"));
        }
    }

    private final RuncStateFile.Init init;
    private final boolean v2;
    private final CounterFile stat;
    private final CounterFile cpu;
    private final CounterFile memory;
    private final CounterFile memoryPeak; // null: this kernel keeps no peak
    private final CounterFile oom;        // null: no such counter here (reads 0)
    private final CounterFile forks;      // null: no pids controller (reads 0)
    private final CounterFile netDev;
    private final File disk;              // null: the disk is not mounted (reads 0)
    private final long[] net = new long[2];

    private ZoneRunProbe(RuncStateFile.Init init, boolean v2, List<CounterFile> files, File disk) {
        this.init = init;
        this.v2 = v2;
        this.stat = files.get(0);
        this.cpu = files.get(1);
        this.memory = files.get(2);
        this.memoryPeak = files.get(3);
        this.oom = files.get(4);
        this.forks = files.get(5);
        this.netDev = files.get(6);
        this.disk = disk;
    }

    /**
     * Opens the files of the run of {@code init} and checks they are that run's: the process is
     * still that init (its start time) once every file is open, so the cgroup opened was its own.
     *
     * @param disk the zone's disk mount point, or null when it is not mounted
     */
    static ZoneRunProbe open(RuncStateFile.Init init, CgroupFiles cgroup, Path proc, Path disk) throws RunEnded {
        List<CounterFile> files = new ArrayList<>(7);
        try {
            Path pidDir = proc.resolve(Long.toString(init.pid()));
            files.add(required(pidDir.resolve("stat"), 512));
            files.add(required(cgroup.cpu(), cgroup.v2() ? 256 : 32));
            files.add(required(cgroup.memory(), 32));
            files.add(optional(cgroup.memoryPeak(), 32));
            files.add(optional(cgroup.oomEvents(), 128));
            files.add(optional(cgroup.pidsEvents(), 32));
            files.add(required(pidDir.resolve("net").resolve("dev"), 1024));
            CounterFile stat = files.get(0);
            stat.read();
            if (stat.procStartTicks() != init.startTicks() || zombie(stat.procState())) {
                throw new RunEnded("pid " + init.pid() + " is no longer the zone's init");
            }
            return new ZoneRunProbe(init, cgroup.v2(), files, disk == null ? null : disk.toFile());
        } catch (IOException | RunEnded | RuntimeException e) {
            closeAll(files);
            if (e instanceof RunEnded ended) {
                throw ended;
            }
            if (e instanceof CounterFile.NotACounterException) {
                throw new RunEnded(e.getMessage());
            }
            if (e instanceof RuntimeException r) {
                throw r;
            }
            throw new RunEnded("the run's files went while they were opened: " + e);
        }
    }

    private static CounterFile required(Path path, int size) throws IOException {
        return CounterFile.open(path, size);
    }

    private static CounterFile optional(Path path, int size) throws IOException {
        try {
            return CounterFile.open(path, size);
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    private static boolean zombie(byte state) {
        return state == 'Z' || state == 'X' || state == 'x' || state == 0;
    }

    String incarnation() {
        return init.incarnation();
    }

    /**
     * The run's counters now.
     *
     * @throws RunEnded when the run ended (a file went, the init died or is a zombie)
     * @throws CounterFile.NotACounterException when a file does not hold what the kernel writes there
     */
    synchronized ZoneRun read() throws RunEnded, CounterFile.NotACounterException {
        long cpuNanos;
        long memoryBytes;
        long peak;
        long oomKills;
        long forksRefused;
        try {
            cpu.read();
            cpuNanos = v2 ? cpu.keyed(USAGE_USEC) * 1000 : cpu.number();
            memory.read();
            memoryBytes = memory.number();
            peak = -1;
            if (memoryPeak != null) {
                memoryPeak.read();
                peak = memoryPeak.number();
            }
            oomKills = 0;
            if (oom != null) {
                oom.read();
                oomKills = oom.keyed(OOM_KILL);
            }
            forksRefused = 0;
            if (forks != null) {
                forks.read();
                forksRefused = forks.keyed(MAX);
            }
            netDev.read();
            netDev.netDevBytes(ETH0, net);
            // last: the counters above are this run's only if its init still lives now
            stat.read();
        } catch (CounterFile.NotACounterException e) {
            throw e;
        } catch (IOException e) {
            throw new RunEnded("the run ended while it was read: " + e.getMessage());
        }
        if (zombie(stat.procState())) {
            throw new RunEnded("the zone's init is a zombie");
        }
        long used = 0;
        long total = 0;
        if (disk != null) {
            total = disk.getTotalSpace(); // statvfs, as the disk level is read every tick (docs/metering.md)
            used = Math.max(0, total - disk.getFreeSpace());
        }
        // limits and lwps are not metered, so not read here (see ZoneBackend#currentRun)
        ZoneCounters counters = new ZoneCounters(cpuNanos, memoryBytes, peak, -1, oomKills, -1, -1, forksRefused, -1,
                net[0], net[1], used, total);
        return new ZoneRun(init.incarnation(), init.createdMillis(), counters);
    }

    @Override
    public synchronized void close() {
        closeAll(List.of(stat, cpu, memory, netDev));
        List<CounterFile> maybe = new ArrayList<>(3);
        for (CounterFile f : new CounterFile[] {memoryPeak, oom, forks}) {
            if (f != null) {
                maybe.add(f);
            }
        }
        closeAll(maybe);
    }

    private static void closeAll(List<CounterFile> files) {
        for (CounterFile f : files) {
            if (f == null) {
                continue;
            }
            try {
                f.close();
            } catch (IOException e) {
                // closing a read-only kernel file: nothing to lose
            }
        }
    }
}
