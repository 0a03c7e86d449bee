package io.gantry.bench.metering;

import io.gantry.agent.AgentConfig;
import io.gantry.agent.host.Cmd;
import io.gantry.agent.host.HostProbe;
import io.gantry.agent.image.BusyboxImage;
import io.gantry.agent.runc.RuncZoneBackend;
import io.gantry.agent.usage.UsageEntry;
import io.gantry.agent.usage.UsageJournal;
import io.gantry.agent.usage.UsageMeter;
import io.gantry.agent.usage.UsageSampler;
import io.gantry.bench.BenchMain;
import io.gantry.bench.BenchResults;
import io.gantry.common.Json;
import io.gantry.common.Package;
import io.gantry.common.Zone;
import io.gantry.common.ZoneSpec;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The agent's cost of metering: CPU per zone per second of sampling, and journal bytes per zone-hour,
 * on real runc zones. Two baselines in the same run, with nothing else (no runc state, no meter, no
 * journal, no fsync): the kernel files read as {@code Files.readString} reads them (open, read,
 * close each file: the earlier baseline, kept so the ratios stay comparable), and the files metering
 * needs kept open and read with one positional read each (the cheapest honest way to read them every
 * tick). The journal is compared with the same records as one JSON line each (hagfish's format).
 * A harness, not a test.
 */
@Command(name = "sampling-bench", mixinStandardHelpOptions = true,
        description = "Measures the agent's CPU per zone-second of usage sampling and its journal bytes per zone-hour.")
public final class SamplingBench implements Callable<Integer> {
    @Option(names = "--zones", defaultValue = "20", description = "Real zones to meter (default ${DEFAULT-VALUE}).")
    int zones;

    @Option(names = "--ticks", defaultValue = "300", description = "Sampling ticks measured (default ${DEFAULT-VALUE}).")
    int ticks;

    @Option(names = "--tick-ms", defaultValue = "100", description = "Milliseconds between ticks; the CPU per tick does not depend on it (default ${DEFAULT-VALUE}).")
    int tickMs;

    @Option(names = "--report", description = "Also write the results as Markdown to this file.")
    Path report;

    public static void main(String[] args) {
        BenchMain.run(SamplingBench::new, "warn", args);
    }

    @Override
    public Integer call() throws Exception {
        var why = HostProbe.whyNoRealZones();
        if (why.isPresent()) {
            System.err.println("sampling-bench: " + why.get());
            return 4;
        }
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        String loadBefore = loadAverage();
        Path work = Files.createTempDirectory("gantry-sampling-bench-");
        String node = freeNodeName();
        RuncZoneBackend backend = RuncZoneBackend.open(AgentConfig.of(work.resolve(node), node));
        try {
            String image = backend.images().importTarball(BusyboxImage.build(BusyboxImage.DEFAULT_BUSYBOX, work.resolve("busybox.tar")),
                    BusyboxImage.NAME).id();
            List<Zone> made = new ArrayList<>();
            for (int i = 0; i < zones; i++) {
                made.add(backend.create(new ZoneSpec(UUID.randomUUID(), "s" + i, "bench", image, Package.custom(64, 10, 64, 64))));
            }
            System.out.printf("%d zones running on node %s%n", made.size(), node);
            UsageJournal journal = UsageJournal.open(work.resolve("usage"));
            UsageSampler sampler = new UsageSampler(backend, new UsageMeter(node), journal, Clock.systemUTC(), Duration.ofSeconds(1));
            for (int i = 0; i < 20; i++) {
                sampler.sampleAll(); // warm-up: JIT, page cache
            }
            long journalBefore = journal.bytes();
            long entriesBefore = sampler.recordsJournaled();
            long cpuSampler = 0;
            long wallSampler = 0;
            for (int t = 0; t < ticks; t++) {
                long c0 = cpu.getCurrentThreadCpuTime();
                long w0 = System.nanoTime();
                sampler.sampleAll();
                wallSampler += System.nanoTime() - w0;
                cpuSampler += cpu.getCurrentThreadCpuTime() - c0;
                Thread.sleep(tickMs);
            }
            long entries = sampler.recordsJournaled() - entriesBefore;
            long journalBytes = journal.bytes() - journalBefore;
            List<UsageEntry> all = journal.readAll();
            double jsonBytesPerRecord = all.stream().skip(Math.max(0, all.size() - 1000))
                    .mapToInt(e -> Json.write(e.record()).length() + 1).average().orElse(0);

            // baselines: the same files read bare, per zone per tick
            List<Long> pids = new ArrayList<>();
            for (Zone z : made) {
                pids.add(backend.initPid(z.uuid()).orElseThrow());
            }
            long cpuBare = 0;
            for (int t = 0; t < ticks; t++) {
                long c0 = cpu.getCurrentThreadCpuTime();
                for (int i = 0; i < made.size(); i++) {
                    readBare(node, made.get(i).uuid(), pids.get(i), backend.config().stateDir());
                }
                cpuBare += cpu.getCurrentThreadCpuTime() - c0;
                Thread.sleep(tickMs);
            }
            List<OpenFiles> open = new ArrayList<>();
            for (int i = 0; i < made.size(); i++) {
                open.add(OpenFiles.open(node, made.get(i).uuid(), pids.get(i), backend.config().stateDir()));
            }
            long cpuPread = 0;
            ByteBuffer buffer = ByteBuffer.allocate(4096);
            for (int t = 0; t < ticks; t++) {
                long c0 = cpu.getCurrentThreadCpuTime();
                for (OpenFiles f : open) {
                    f.read(buffer);
                }
                cpuPread += cpu.getCurrentThreadCpuTime() - c0;
                Thread.sleep(tickMs);
            }
            for (OpenFiles f : open) {
                f.close();
            }
            // what the sampler no longer does every tick: list the node's zones (read and parse every zone's record)
            long c0 = cpu.getCurrentThreadCpuTime();
            int listed = 0;
            int lists = Math.max(1, Math.min(20, 2000 / made.size()));
            for (int i = 0; i < lists; i++) {
                listed += backend.list().size();
            }
            double listUs = (cpu.getCurrentThreadCpuTime() - c0) / 1e3 / listed;

            double zoneSamples = (double) ticks * made.size();
            double samplerUs = cpuSampler / 1e3 / zoneSamples;
            double bareUs = cpuBare / 1e3 / zoneSamples;
            double preadUs = cpuPread / 1e3 / zoneSamples;
            double bytesPerRecord = (double) journalBytes / entries;
            StringBuilder md = new StringBuilder();
            md.append(String.format("%d real runc zones (busybox, idle), %d ticks, %d records journaled; load average before %s, after %s%n%n",
                    made.size(), ticks, entries, loadBefore, loadAverage()));
            md.append("| measure | Gantry sampler (meter + journal + fsync per tick) | bare: open/read/close every file (baseline) "
                    + "| bare: pread of files kept open (baseline 2) | ratio to baseline | ratio to baseline 2 |\n|---|---:|---:|---:|---:|---:|\n");
            md.append(String.format("| CPU per zone per second of sampling | %.1f µs | %.1f µs | %.1f µs | %.2f | %.2f |%n",
                    samplerUs, bareUs, preadUs, samplerUs / bareUs, samplerUs / preadUs));
            md.append(String.format("| one core's share for 1,000 zones at 1 s | %.2f%% | %.2f%% | %.2f%% | | |%n",
                    samplerUs * 1000 / 1e6 * 100, bareUs * 1000 / 1e6 * 100, preadUs * 1000 / 1e6 * 100));
            md.append(String.format("| wall time per tick (%d zones, fsync included) | %.2f ms | | | | |%n", made.size(), wallSampler / 1e6 / ticks));
            md.append(String.format("%nListing the node's zones (no longer done every tick): %.1f µs CPU per zone.%n", listUs));
            md.append(String.format("%n| journal | Gantry (binary, CRC-framed) | one JSON line per record (baseline) | ratio |%n|---|---:|---:|---:|%n"));
            md.append(String.format("| bytes per record | %.1f | %.1f | %.3f |%n", bytesPerRecord, jsonBytesPerRecord, bytesPerRecord / jsonBytesPerRecord));
            md.append(String.format("| bytes per zone-hour at 1 s | %,.0f | %,.0f | |%n", bytesPerRecord * 3600, jsonBytesPerRecord * 3600));
            BenchResults.publish(md.toString(), report, System.out::println);
            sampler.close();
            journal.close();
            for (Zone z : made) {
                backend.delete(z.uuid());
            }
            return 0;
        } finally {
            backend.destroyNode();
            Cmd.run("rm", "-rf", "--one-file-system", work.toString());
        }
    }

    /**
     * A node name no other node on this host uses: opening a node adopts or removes whatever runs
     * under its runc root ({@code /run/gantry/<node>}), so two benches on one name ruin each other.
     */
    private static String freeNodeName() {
        while (true) {
            String node = "sb" + java.util.HexFormat.of().toHexDigits(java.util.concurrent.ThreadLocalRandom.current().nextInt()).substring(0, 5);
            if (!Files.exists(Path.of("/run/gantry", node)) && !Files.exists(Path.of("/sys/fs/cgroup/cpuacct/gantry-" + node))) {
                return node;
            }
        }
    }

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }

    /**
     * Baseline 2: what metering needs of one zone (cpuacct.usage, memory usage and high-water mark,
     * oom_control, pids.events, the init's stat and net/dev, a statvfs of the disk) with every file
     * kept open and read with one pread per tick, parsed by nothing.
     */
    private record OpenFiles(List<FileChannel> files, java.io.File disk) {
        static OpenFiles open(String node, UUID zone, long pid, Path stateDir) throws java.io.IOException {
            String cg = "gantry-" + node + "/" + zone;
            List<FileChannel> files = new ArrayList<>();
            for (String f : new String[] {"/sys/fs/cgroup/cpuacct/" + cg + "/cpuacct.usage", "/sys/fs/cgroup/memory/" + cg + "/memory.usage_in_bytes",
                    "/sys/fs/cgroup/memory/" + cg + "/memory.max_usage_in_bytes", "/sys/fs/cgroup/memory/" + cg + "/memory.oom_control",
                    "/sys/fs/cgroup/pids/" + cg + "/pids.events", "/proc/" + pid + "/net/dev", "/proc/" + pid + "/stat"}) {
                files.add(FileChannel.open(Path.of(f), StandardOpenOption.READ));
            }
            return new OpenFiles(files, stateDir.resolve("zones").resolve(zone.toString()).resolve("disk").toFile());
        }

        long read(ByteBuffer buffer) throws java.io.IOException {
            long sum = 0;
            for (FileChannel f : files) {
                buffer.clear();
                sum += f.read(buffer, 0);
            }
            return sum + ((disk.getTotalSpace() - disk.getFreeSpace()) & 1);
        }

        void close() throws java.io.IOException {
            for (FileChannel f : files) {
                f.close();
            }
        }
    }

    private static long readBare(String node, UUID zone, long pid, Path stateDir) throws Exception {
        String cg = "gantry-" + node + "/" + zone;
        long sum = 0;
        for (String f : new String[] {"cpuacct/" + cg + "/cpuacct.usage", "memory/" + cg + "/memory.usage_in_bytes",
                "memory/" + cg + "/memory.max_usage_in_bytes", "memory/" + cg + "/memory.oom_control", "pids/" + cg + "/pids.current",
                "pids/" + cg + "/pids.events", "memory/" + cg + "/memory.limit_in_bytes", "pids/" + cg + "/pids.max", "cpu/" + cg + "/cpu.cfs_quota_us"}) {
            sum += Files.readString(Path.of("/sys/fs/cgroup", f)).length();
        }
        sum += Files.readString(Path.of("/proc/" + pid + "/net/dev")).length();
        java.io.File disk = stateDir.resolve("zones").resolve(zone.toString()).resolve("disk").toFile();
        sum += (disk.getTotalSpace() - disk.getFreeSpace()) & 1; // statvfs, as the sampler does
        return sum;
    }
}
