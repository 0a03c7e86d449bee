package io.gantry.bench.provision;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time the system under test used: this JVM's (cloud API, provisioner, ZooKeeper, simulated agents, and the load
 * generator) and PostgreSQL's (the embedded server, a child of this JVM, and its backends), from /proc. On a shared
 * machine the wall-clock rate depends on what else runs; CPU time per machine does not, so it says what the path costs
 * and how many machines per second two cores could carry.
 */
final class CpuMeter {
    /** CPU nanoseconds so far: this JVM's, and PostgreSQL's processes' together. */
    record Reading(long jvmNanos, long postgresNanos) {
        Reading minus(Reading earlier) {
            return new Reading(jvmNanos - earlier.jvmNanos, postgresNanos - earlier.postgresNanos);
        }
    }

    private static final long TICK_NANOS = 10_000_000L; // USER_HZ = 100 on Linux

    static Reading read(int postgresPort) {
        long jvm = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
        // pg_ctl starts the server detached (its parent is init, not this JVM): find it by the port it was given
        String port = "-p " + postgresPort;
        long pg = ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().map(c -> c.contains("postgres") && c.contains(port)).orElse(false))
                .flatMap(p -> java.util.stream.Stream.concat(java.util.stream.Stream.of(p), p.descendants()))
                .mapToLong(p -> ticks(p.pid()))
                .sum();
        return new Reading(jvm, pg * TICK_NANOS);
    }

    /** utime + stime of a process, in clock ticks; 0 if it is gone. */
    private static long ticks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]); // fields 14 and 15 of stat, counted after the name
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    private CpuMeter() {
    }
}
