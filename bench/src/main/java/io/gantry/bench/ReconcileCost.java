package io.gantry.bench;

import io.gantry.agent.host.Trace;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What one pass of the agent's periodic loop costs on the bench's node with {@code zones} running: the start-up's
 * recovery (what every pass ran before issue 16's last stop: every zone's network wired again) against the periodic
 * reconcile (files only). Wall time, host commands run, and CPU time of this JVM and of the commands it waited for
 * ({@code /proc/self/stat}: utime, stime, cutime, cstime), each the median of {@link #PASSES} passes.
 */
record ReconcileCost(int zones, Pass recover, Pass reconcile) {
    static final int PASSES = 3;

    record Pass(double wallMillis, long commands, double cpuMillis) {
    }

    static ReconcileCost measure(GantryVariant gantry, int zones) {
        return new ReconcileCost(zones, median(() -> gantry.reconcile(true)), median(() -> gantry.reconcile(false)));
    }

    private static Pass median(Runnable pass) {
        Pass[] passes = new Pass[PASSES];
        for (int i = 0; i < PASSES; i++) {
            long commands = Trace.commands();
            long cpu = cpuTicks();
            long t0 = System.nanoTime();
            pass.run();
            passes[i] = new Pass((System.nanoTime() - t0) / 1e6, Trace.commands() - commands, (cpuTicks() - cpu) * 10.0);
        }
        java.util.Arrays.sort(passes, java.util.Comparator.comparingDouble(Pass::wallMillis));
        return passes[PASSES / 2];
    }

    /** This process's CPU time and its waited-for children's, in clock ticks (100 a second). */
    private static long cpuTicks() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13]) + Long.parseLong(f[14]);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
