package io.gantry.agent.runc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * How much CPU stood idle on this host over a window (from /proc/stat), to tell a CPU cap that holds a zone too low
 * from a host too busy to give the zone its share. A zone below its cap while CPUs stood idle is the cap's fault; a
 * zone below its cap on a host with no idle CPU (other tests, other builds) says nothing about the cap.
 */
final class HostIdle {
    /** Idle CPUs, on average over the window, below which a zone's share below its cap is not judged. */
    static final double CONTENDED = 0.15;

    private final long idle0;
    private final long total0;

    private HostIdle(long[] idleAndTotal) {
        this.idle0 = idleAndTotal[0];
        this.total0 = idleAndTotal[1];
    }

    static HostIdle start() {
        return new HostIdle(read());
    }

    /** CPUs idle (idle and iowait) on average since {@link #start}. */
    double idleCpus() {
        long[] now = read();
        long total = now[1] - total0;
        return total <= 0 ? 0 : (double) (now[0] - idle0) / total * Runtime.getRuntime().availableProcessors();
    }

    /** Whether the host had no idle CPU to give over the window. */
    boolean contended() {
        return idleCpus() < CONTENDED;
    }

    /**
     * A capped zone's measured CPUs: never above the cap (plus 15%); not below it (less 15%) unless the host had no idle
     * CPU to give, which is said on the test's output.
     */
    void assertShare(double cpus, double cap, String what) {
        assertThat(cpus).as("%s: at most the cap", what).isLessThanOrEqualTo(cap * 1.15);
        double idle = idleCpus();
        if (idle < CONTENDED && cpus < cap * 0.85) {
            System.out.printf(Locale.ROOT, "%s: %.3f CPUs, below the cap's %.2f, while the host had %.2f CPUs idle: contended, the lower"
                    + " bound is not judged%n", what, cpus, cap, idle);
            return;
        }
        assertThat(cpus).as("%s (the host had %.2f CPUs idle meanwhile)", what, idle).isGreaterThanOrEqualTo(cap * 0.85);
    }

    /** {idle + iowait, total} jiffies of all CPUs. */
    private static long[] read() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long total = 0;
            for (int i = 1; i <= 8 && i < f.length; i++) {
                total += Long.parseLong(f[i]);
            }
            return new long[] {Long.parseLong(f[4]) + Long.parseLong(f[5]), total};
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
