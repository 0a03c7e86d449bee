package io.gantry.cluster;

import io.gantry.testkit.JdbcAccess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.UUID;

/**
 * A zone's usage two ways: what its node's kernel counted (the zone cgroup's CPU time, read on this host, whose
 * cgroup tree the nodes share, and the zone's own eth0) and what metering stored (the zone's minute roll-ups in the
 * record). Metering is exact when, with the zone idle, the two agree within 0.1%.
 */
public final class ZoneUsage {
    static final double TOLERANCE = 0.001;
    private static final Path CGROUP_V1_CPU = Path.of("/sys/fs/cgroup/cpuacct");

    /** CPU nanoseconds, bytes received and sent. */
    public record Totals(long cpuNs, long rxBytes, long txBytes) {
        boolean within(Totals truth) {
            return close(cpuNs, truth.cpuNs) && close(rxBytes, truth.rxBytes) && close(txBytes, truth.txBytes);
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "cpu %.3f s, rx %d B, tx %d B", cpuNs / 1e9, rxBytes, txBytes);
        }

        private static boolean close(long metered, long truth) {
            return Math.abs(metered - truth) <= TOLERANCE * truth;
        }
    }

    private final GantryCluster cluster;
    private final String node;
    private final UUID zone;
    private Totals lastKernel;
    private Totals lastMetered;

    public ZoneUsage(GantryCluster cluster, String node, UUID zone) {
        this.cluster = cluster;
        this.node = node;
        this.zone = zone;
    }

    /**
     * What the kernel counted, read on this host without running anything in the zone: a command run there (as
     * {@link #inZone} does) would add its own CPU time to the zone's cgroup, so metering would always trail the
     * reading by that much.
     */
    Totals kernel() {
        long cpu = cgroupCpuNs();
        String netDev = zoneProcFile("net/dev");
        long[] eth0 = netDev.lines().map(String::strip).filter(l -> l.startsWith("eth0:")).findFirst()
                .map(l -> l.substring(5).strip().split("\\s+"))
                .map(f -> new long[] {Long.parseLong(f[0]), Long.parseLong(f[8])})
                .orElseThrow(() -> new IllegalStateException("no eth0 in zone " + zone + ": " + netDev));
        return new Totals(cpu, eth0[0], eth0[1]);
    }

    /** A /proc file of one of the zone's processes (found in its cgroup), as this host sees it: {@code net/dev} is the zone's network. */
    private String zoneProcFile(String name) {
        Path procs = cgroupDir().resolve("cgroup.procs");
        try {
            String pid = Files.readAllLines(procs).stream().map(String::strip).filter(l -> !l.isEmpty()).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no process in " + procs));
            return Files.readString(Path.of("/proc", pid).resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException("the processes of zone " + zone + " on " + node, e);
        }
    }

    public Totals metered() {
        var row = cluster.record().query("select coalesce(sum(cpu_ns), 0), coalesce(sum(net_rx), 0), coalesce(sum(net_tx), 0)"
                + " from metering.usage_minute where zone = ?", zone).get(0);
        return new Totals(((Number) row.get(0)).longValue(), ((Number) row.get(1)).longValue(), ((Number) row.get(2)).longValue());
    }

    /** Polls (the zone idle) until metering's totals agree with the kernel's; the milliseconds it took, or -1 at the limit. */
    long awaitAgreement(Duration limit) {
        long t0 = System.nanoTime();
        long deadline = t0 + limit.toNanos();
        while (true) {
            try {
                lastKernel = kernel();
                lastMetered = metered();
                if (lastMetered.within(lastKernel)) {
                    return (System.nanoTime() - t0) / 1_000_000;
                }
            } catch (RuntimeException e) {
                // the record or the node not answering yet: try again until the limit
            }
            if (System.nanoTime() > deadline) {
                return -1;
            }
            Pause.millis(1000);
        }
    }

    /** The last pair {@link #awaitAgreement} compared, for the report. */
    String lastComparison() {
        return "metered " + lastMetered + "; kernel " + lastKernel;
    }

    /** When the zone's init started (clock ticks since the node booted): the same value before and after means it never restarted. */
    long initStart() {
        String out = inZone(Duration.ofMinutes(1), "cat", "/proc/1/stat");
        String stat = out.lines().filter(l -> l.matches("^1 \\(.*\\) .*")).findFirst()
                .orElseThrow(() -> new IllegalStateException("no /proc/1/stat line from zone " + zone + ": " + out));
        String afterName = stat.substring(stat.lastIndexOf(')') + 2);
        return Long.parseLong(afterName.split(" ")[19]);
    }

    /** Runs a command in the zone on its node (gantry zone exec, which needs no control plane); its output. */
    String inZone(Duration limit, String... command) {
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("--node", node, "--state-dir", "/var/lib/gantry/state",
                "zone", "exec", zone.toString(), "--"));
        args.addAll(java.util.List.of(command));
        return cluster.gantry(node, limit, args.toArray(String[]::new)).check("gantry zone exec on " + node);
    }

    /** Whether the zone has a cgroup on its node (a stopped zone has none). */
    public boolean hasCgroup() {
        return Files.isDirectory(cgroupDir());
    }

    /** The zone cgroup's CPU time in nanoseconds, as the kernel counts it (read on this host, whose cgroup tree the nodes share). */
    public long cgroupCpuNs() {
        Path dir = cgroupDir();
        try {
            if (dir.startsWith(CGROUP_V1_CPU)) {
                return Long.parseLong(Files.readString(dir.resolve("cpuacct.usage")).strip());
            }
            Path stat = dir.resolve("cpu.stat");
            return Files.readAllLines(stat).stream().filter(l -> l.startsWith("usage_usec ")).findFirst()
                    .map(l -> Long.parseLong(l.substring(11).strip()) * 1000)
                    .orElseThrow(() -> new IllegalStateException("no usage_usec in " + stat));
        } catch (IOException e) {
            throw new UncheckedIOException("the cgroup of zone " + zone + " on " + node, e);
        }
    }

    /** The zone's cgroup on this host: cgroup v1's cpuacct hierarchy where there is one, else the unified tree. */
    private Path cgroupDir() {
        Path v1 = CGROUP_V1_CPU.resolve("gantry-" + node).resolve(zone.toString());
        return Files.isDirectory(CGROUP_V1_CPU) ? v1 : Path.of("/sys/fs/cgroup", "gantry-" + node, zone.toString());
    }
}
