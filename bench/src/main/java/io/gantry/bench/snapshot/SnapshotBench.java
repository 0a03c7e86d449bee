package io.gantry.bench.snapshot;

import io.gantry.agent.AgentConfig;
import io.gantry.agent.ExecResult;
import io.gantry.agent.host.Cmd;
import io.gantry.agent.host.HostProbe;
import io.gantry.agent.image.BusyboxImage;
import io.gantry.agent.runc.RuncZoneBackend;
import io.gantry.agent.runc.ZoneLayout;
import io.gantry.bench.BenchMain;
import io.gantry.bench.BenchResults;
import io.gantry.bench.Samples;
import io.gantry.common.Package;
import io.gantry.common.Zone;
import io.gantry.common.ZoneSpec;
import io.gantry.common.ZoneState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * A real runc zone holding {@code --mib} MiB of data written from inside it (mixed sizes: a quarter in one big file,
 * a quarter in 8 MiB files, a quarter in 1 MiB files, a quarter in 16 KiB files): how long a snapshot takes, how long a
 * rollback to it takes (the zone stopped, its files replaced, started again), and how much disk the snapshot adds,
 * against a plain {@code cp -a} of the same files on the same disk in the same run, round after round in turns.
 */
@Command(name = "snapshot-bench", mixinStandardHelpOptions = true,
        description = "Measures a zone snapshot and its rollback against cp -a of the same data.")
public final class SnapshotBench implements Callable<Integer> {
    private static final double MiB = 1024.0 * 1024.0;

    @Option(names = "--mib", defaultValue = "200", description = "Data in the zone, MiB (default ${DEFAULT-VALUE}).")
    int mib;

    @Option(names = "--rounds", defaultValue = "5", description = "Snapshot, copy and rollback rounds (default ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--drop-caches", description = "Write back and drop the page cache before each timed step (cold reads).")
    boolean dropCaches;

    @Option(names = "--report", description = "Also write the results as Markdown to this file.")
    Path report;

    public static void main(String[] args) {
        BenchMain.run(SnapshotBench::new, "warn", args);
    }

    private static void say(String line) {
        System.err.println("snapshot-bench: " + line);
    }

    @Override
    public Integer call() throws Exception {
        var why = HostProbe.whyNoRealZones();
        if (why.isPresent()) {
            say("cannot run real zones here: " + why.get());
            return 1;
        }
        if (mib < 8 || rounds < 1) {
            System.err.println("snapshot-bench: --mib must be at least 8 and --rounds at least 1");
            return 2;
        }
        Path state = Files.createTempDirectory("gantry-snapbench-");
        String node = "sb" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()).substring(0, 6);
        RuncZoneBackend backend = null;
        try {
            backend = RuncZoneBackend.open(AgentConfig.of(state, node));
            String image = backend.images().importTarball(BusyboxImage.build(BusyboxImage.DEFAULT_BUSYBOX, state.resolve("busybox.tar")),
                    BusyboxImage.NAME).id();
            // room for the data, one snapshot, one cp -a copy and a rollback's staged copy
            long diskMiB = mib * 4L + 256;
            ZoneSpec spec = new ZoneSpec(UUID.randomUUID(), "snapbench", "bench", image, Package.custom(256, 200, 256, diskMiB));
            Zone zone = backend.create(spec);
            if (zone.state() != ZoneState.RUNNING) {
                say("the zone did not start: " + zone.reason());
                return 1;
            }
            say("writing " + mib + " MiB into the zone");
            fill(backend, zone.uuid());
            String markdown = measure(backend, zone.uuid());
            BenchResults.publish(markdown, report, SnapshotBench::say);
            return 0;
        } finally {
            if (backend != null) {
                backend.destroyNode();
            }
            Cmd.run("rm", "-rf", "--one-file-system", state.toString());
        }
    }

    private void fill(RuncZoneBackend backend, UUID zone) {
        int quarterKiB = mib * 1024 / 4;
        String script = String.join(" && ",
                "mkdir -p /data/big /data/m8 /data/m1 /data/k16",
                "head -c " + quarterKiB * 1024L + " /dev/urandom > /data/big/one",
                "i=0; while [ $i -lt " + quarterKiB / 8192 + " ]; do head -c 8388608 /dev/urandom > /data/m8/$i; i=$((i+1)); done",
                "i=0; while [ $i -lt " + quarterKiB / 1024 + " ]; do head -c 1048576 /dev/urandom > /data/m1/$i; i=$((i+1)); done",
                "i=0; while [ $i -lt " + quarterKiB / 16 + " ]; do head -c 16384 /dev/urandom > /data/k16/$i; i=$((i+1)); done",
                "sync");
        ExecResult r = backend.exec(zone, List.of("sh", "-c", script), Duration.ofMinutes(20));
        if (!r.ok()) {
            throw new IllegalStateException("filling the zone failed: " + r.stderr());
        }
    }

    private String measure(RuncZoneBackend backend, UUID zone) {
        ZoneLayout layout = backend.layout(zone);
        Path copy = layout.diskMount().resolve("bench-copy");
        Samples snapshot = new Samples();
        Samples plainCopy = new Samples();
        Samples rollback = new Samples();
        long snapshotExtra = 0;
        long copyExtra = 0;
        long dataBytes = Long.parseLong(Cmd.check("du", "-s", "-x", "-B1", layout.upper().toString()).stdout().split("\\s+")[0]);
        for (int round = 0; round < rounds; round++) {
            String name = "round-" + round;
            // in turns which goes first: the second copy of a round lands on a disk the first has just written to
            if (round % 2 == 0) {
                snapshotExtra = timeSnapshot(backend, zone, name, snapshot);
                copyExtra = timeCopy(backend, zone, layout, copy, plainCopy);
            } else {
                copyExtra = timeCopy(backend, zone, layout, copy, plainCopy);
                snapshotExtra = timeSnapshot(backend, zone, name, snapshot);
            }
            settle();
            long t0 = System.nanoTime();
            Zone rolled = backend.startFromSnapshot(zone, name, Duration.ofSeconds(5));
            rollback.add(System.nanoTime() - t0);
            if (rolled.state() != ZoneState.RUNNING) {
                throw new IllegalStateException("the zone is " + rolled.state() + " after the rollback");
            }
            backend.deleteSnapshot(zone, name);
            say("round " + (round + 1) + "/" + rounds + " done");
        }
        return report(dataBytes, snapshot, plainCopy, rollback, snapshotExtra, copyExtra);
    }

    /** Times a snapshot; answers the disk it added. */
    private long timeSnapshot(RuncZoneBackend backend, UUID zone, String name, Samples times) {
        long used = used(backend, zone);
        settle();
        long t0 = System.nanoTime();
        backend.createSnapshot(zone, name);
        times.add(System.nanoTime() - t0);
        return used(backend, zone) - used;
    }

    /** Times a plain {@code cp -a} of the zone's files to {@code copy} on the same disk (synced, as a snapshot is); answers the disk it added, then removes it. */
    private long timeCopy(RuncZoneBackend backend, UUID zone, ZoneLayout layout, Path copy, Samples times) {
        long used = used(backend, zone);
        settle();
        long t0 = System.nanoTime();
        Cmd.run(List.of("cp", "-a", "--no-target-directory", layout.upper().toString(), copy.toString()), null, Duration.ofMinutes(30)).orThrow();
        Cmd.check("sync", "-f", copy.toString());
        times.add(System.nanoTime() - t0);
        long added = used(backend, zone) - used;
        Cmd.check("rm", "-rf", "--one-file-system", copy.toString());
        return added;
    }

    private static long used(RuncZoneBackend backend, UUID zone) {
        Cmd.run("sync");
        return backend.counters(zone).diskUsedBytes();
    }

    private void settle() {
        Cmd.run("sync");
        if (dropCaches) {
            Cmd.run("sh", "-c", "echo 3 > /proc/sys/vm/drop_caches");
        }
    }

    private String report(long dataBytes, Samples snapshot, Samples plainCopy, Samples rollback, long snapshotExtra, long copyExtra) {
        StringBuilder md = new StringBuilder();
        md.append("## Zone snapshot and rollback (").append(String.format(Locale.ROOT, "%.0f", dataBytes / MiB)).append(" MiB in the zone, ")
                .append(rounds).append(" rounds, ").append(dropCaches ? "page cache dropped before each step" : "warm page cache").append(")\n\n");
        md.append("| | p50 ms | max ms | × cp -a (p50) | disk added MiB |\n|---|---|---|---|---|\n");
        row(md, "`cp -a` of the zone's files (same disk)", plainCopy, plainCopy.p50(), copyExtra);
        row(md, "snapshot (zone paused, cp -a, rename, sync)", snapshot, plainCopy.p50(), snapshotExtra);
        row(md, "rollback (stop, copy back, swap, start)", rollback, plainCopy.p50(), -1);
        md.append("\nCommand: `bench/run.sh snapshot --mib ").append(mib).append(" --rounds ").append(rounds)
                .append(dropCaches ? " --drop-caches" : "").append("`\n");
        return md.toString();
    }

    private static void row(StringBuilder md, String what, Samples s, double baseline, long extraBytes) {
        md.append(String.format(Locale.ROOT, "| %s | %.0f | %.0f | %.2f | %s |%n", what, s.p50(), s.percentile(100), s.p50() / baseline,
                extraBytes < 0 ? "0 (the snapshot stays; the old files go)" : String.format(Locale.ROOT, "%.1f", extraBytes / MiB)));
    }
}
