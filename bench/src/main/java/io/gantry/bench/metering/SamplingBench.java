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
import io.gantry.common.Json;
import io.gantry.common.Package;
import io.gantry.common.Zone;
import io.gantry.common.ZoneSpec;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * on real runc zones. Baseline in the same run: reading the same kernel files with nothing else
 * (no meter, no journal, no fsync), which is the floor any per-second sampler pays. The journal is
 * compared with the same records as one JSON line each (hagfish's format). A harness, not a test.
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
        Path work = Files.createTempDirectory("gantry-sampling-bench-");
        String node = "sb" + ProcessHandle.current().pid() % 1000;
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

            // baseline: the same files read bare, per zone per tick
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
            double zoneSamples = (double) ticks * made.size();
            double samplerUs = cpuSampler / 1e3 / zoneSamples;
            double bareUs = cpuBare / 1e3 / zoneSamples;
            double bytesPerRecord = (double) journalBytes / entries;
            System.out.printf("%n| measure | Gantry sampler (meter + journal + fsync per tick) | bare file reads (baseline) | ratio |%n|---|---:|---:|---:|%n");
            System.out.printf("| CPU per zone per second of sampling | %.1f µs | %.1f µs | %.2f |%n", samplerUs, bareUs, samplerUs / bareUs);
            System.out.printf("| one core's share for 1,000 zones at 1 s | %.2f%% | %.2f%% | |%n", samplerUs * 1000 / 1e6 * 100, bareUs * 1000 / 1e6 * 100);
            System.out.printf("| wall time per tick (%d zones, fsync included) | %.2f ms | | |%n", made.size(), wallSampler / 1e6 / ticks);
            System.out.printf("%n| journal | Gantry (binary, CRC-framed) | one JSON line per record (baseline) | ratio |%n|---|---:|---:|---:|%n");
            System.out.printf("| bytes per record | %.1f | %.1f | %.3f |%n", bytesPerRecord, jsonBytesPerRecord, bytesPerRecord / jsonBytesPerRecord);
            System.out.printf("| bytes per zone-hour at 1 s | %,.0f | %,.0f | |%n", bytesPerRecord * 3600, jsonBytesPerRecord * 3600);
            System.out.printf("%n(%d zones, %d ticks, %d records journaled)%n", made.size(), ticks, entries);
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
