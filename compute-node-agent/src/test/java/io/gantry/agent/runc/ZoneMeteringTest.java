package io.gantry.agent.runc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gantry.agent.AgentConfig;
import io.gantry.agent.ExecResult;
import io.gantry.agent.usage.MeteringEndpoints;
import io.gantry.agent.usage.UsageConfig;
import io.gantry.agent.usage.UsageEntry;
import io.gantry.agent.usage.UsageJournal;
import io.gantry.agent.usage.UsageMetering;
import io.gantry.common.Package;
import io.gantry.common.Zone;
import io.gantry.common.usage.UsageRecord;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Usage metering of real runc zones against the kernel's own counters, read by the test straight
 * from the cgroup and /proc files: every metered total must match within 0.1%.
 */
class ZoneMeteringTest extends RealZonesTest {
    private static final double TOLERANCE = 0.001;
    private static final Duration LONG = Duration.ofHours(1); // no scheduled tick in the test's time: only explicit samples

    private UsageMetering start(String name, Duration interval) {
        UsageConfig c = UsageConfig.defaults(config.stateDir().resolve("metering-" + name)).withSampleInterval(interval);
        return UsageMetering.start(backend, config.node(), c, MeteringEndpoints.none(), new SimpleMeterRegistry());
    }

    /** cpuacct.usage of the zone's cgroup, as the kernel keeps it (ns). */
    private long cgroupCpu(UUID zone) throws IOException {
        Path file = Path.of("/sys/fs/cgroup/cpuacct").resolve(backend.layout(zone).cgroupsPath().substring(1)).resolve("cpuacct.usage");
        return Long.parseLong(Files.readString(file).strip());
    }

    /** {rx, tx} of eth0 as the zone's init sees it in /proc/<pid>/net/dev. */
    private long[] procNetDev(UUID zone) throws IOException {
        long pid = backend.initPid(zone).orElseThrow();
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "net", "dev"))) {
            String t = line.trim();
            if (t.startsWith("eth0:")) {
                String[] f = t.substring(5).trim().split("\\s+");
                return new long[] {Long.parseLong(f[0]), Long.parseLong(f[8])};
            }
        }
        throw new IllegalStateException("no eth0 in zone " + zone);
    }

    private static UsageRecord last(UsageMetering usage, UUID zone) {
        return usage.meter().last(zone).orElseThrow().record();
    }

    private static List<UsageRecord> records(UsageJournal journal, UUID zone) {
        return journal.readAll().stream().map(UsageEntry::record).filter(r -> r.zone().equals(zone)).toList();
    }

    private static double deviation(long metered, long truth) {
        return Math.abs(metered - truth) / (double) truth;
    }

    private ExecResult burn(Zone zone, int seconds) {
        return sh(zone, "timeout " + seconds + " sh -c 'while :; do :; done'; true", Duration.ofSeconds(seconds + 30));
    }

    @Test
    void cpuOfACappedZoneMatchesItsCgroupWithinATenthOfAPercent() throws Exception {
        Zone zone = create("acme", "burner", Package.custom(64, 50, 64, 64));
        try (UsageMetering usage = start("cpu", Duration.ofMillis(250))) {
            await().atMost(Duration.ofSeconds(10)).until(() -> usage.meter().last(zone.uuid()).isPresent());
            long before = last(usage, zone.uuid()).cpuNanos();
            long t0 = System.nanoTime();
            HostIdle host = HostIdle.start();
            CompletableFuture<ExecResult> burning = CompletableFuture.supplyAsync(() -> burn(zone, 3));
            Thread.sleep(1500);
            // mid-burn, the counter moves about 0.5 ms per ms: a sample must fall between two reads around it
            long low = cgroupCpu(zone.uuid());
            usage.sampleNow();
            long high = cgroupCpu(zone.uuid());
            long midBurn = last(usage, zone.uuid()).cpuNanos();
            System.out.printf("metering cpu mid-burn: cgroup %d <= metered %d <= cgroup %d (window %d ns)%n",
                    low, midBurn, high, high - low);
            assertThat(midBurn).isBetween(low, high);
            assertThat(burning.get(60, TimeUnit.SECONDS).ok()).isTrue();
            double seconds = (System.nanoTime() - t0) / 1e9;

            long truthBefore = cgroupCpu(zone.uuid());
            usage.sampleNow();
            long truthAfter = cgroupCpu(zone.uuid());
            long metered = last(usage, zone.uuid()).cpuNanos();
            double dev = deviation(metered, truthBefore);
            System.out.printf("metering cpu: metered %d ns, cgroup %d..%d ns, deviation %.5f%%%n", metered, truthBefore,
                    truthAfter, dev * 100);
            assertThat(metered).isBetween((long) (truthBefore * (1 - TOLERANCE)), (long) (truthAfter * (1 + TOLERANCE)));
            assertThat(dev).isLessThan(TOLERANCE);

            double share = (metered - before) / 1e9 / seconds;
            System.out.printf("metering cpu: %.3f CPUs over the %.2f s burn under a 50%% cap%n", share, seconds);
            host.assertShare(share, 0.5, "a spinning loop under cpu_cap 50");

            long s0 = System.nanoTime();
            for (int i = 0; i < 20; i++) {
                usage.sampleNow();
            }
            System.out.printf("metering cpu: one tick of one zone (read, meter, append + fsync) takes %.2f ms%n",
                    (System.nanoTime() - s0) / 20 / 1e6);

            List<UsageRecord> ticks = records(usage.journal(), zone.uuid());
            assertThat(ticks.size()).as("sampled about every 250 ms during the burn").isGreaterThanOrEqualTo(8);
            assertThat(ticks).extracting(UsageRecord::seq).isSorted().doesNotHaveDuplicates();
            usage.backend().delete(zone.uuid());
            assertThat(last(usage, zone.uuid()).last()).isTrue();
        }
        assertThat(traces(zone.uuid())).isEmpty();
    }

    @Test
    void aRestartedZoneIsMeteredAsBothRunsWithNothingCountedTwiceOrLost() throws Exception {
        Zone zone = create("acme", "twice", Package.custom(64, 50, 64, 64));
        try (UsageMetering usage = start("restart", LONG)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> usage.meter().last(zone.uuid()).isPresent());
            String firstRun = usage.meter().last(zone.uuid()).orElseThrow().incarnation();
            assertThat(burn(zone, 2).ok()).isTrue();
            long firstRunTruth = cgroupCpu(zone.uuid());
            // stopped right after the burn: no tick in between, only the metered backend's sample before the stop
            usage.backend().stop(zone.uuid(), Duration.ofSeconds(5));
            usage.backend().start(zone.uuid());
            assertThat(burn(zone, 2).ok()).isTrue();
            long secondRunTruth = cgroupCpu(zone.uuid());
            usage.sampleNow();

            UsageEntry after = usage.meter().last(zone.uuid()).orElseThrow();
            assertThat(after.incarnation()).isNotEqualTo(firstRun);
            long metered = after.record().cpuNanos();
            long truth = firstRunTruth + secondRunTruth;
            double dev = deviation(metered, truth);
            System.out.printf("metering restart: metered %d ns, first run %d + second run %d = %d ns, deviation %.5f%%%n",
                    metered, firstRunTruth, secondRunTruth, truth, dev * 100);
            assertThat(dev).isLessThan(TOLERANCE);
            assertThat(firstRunTruth).as("the first run burned about a second").isGreaterThan(700_000_000L);
            List<UsageRecord> r = records(usage.journal(), zone.uuid());
            assertThat(r).as("first tick, the sample before the stop, the last sample").hasSize(3);
            assertThat(deviation(r.get(1).cpuNanos(), firstRunTruth)).as("the sample before the stop").isLessThan(TOLERANCE);
            usage.backend().delete(zone.uuid());
        }
        assertThat(traces(zone.uuid())).isEmpty();
    }

    @Test
    void networkBytesBetweenTwoZonesMatchTheirNetDevWithinATenthOfAPercent() throws Exception {
        Zone sender = create("acme", "sender");
        Zone receiver = create("acme", "receiver");
        long payload = 5_000_000;
        try (UsageMetering usage = start("net", LONG)) {
            // busybox nc half-closes when its stdin ends, and its peer then quits: so the listener hands the
            // connection to a sink that reads until the sender is done
            CompletableFuture<ExecResult> server = CompletableFuture.supplyAsync(() ->
                    sh(receiver, "nc -l -p 5000 -e sh -c 'cat > /dev/null'", Duration.ofSeconds(60)));
            ExecResult sent = null;
            for (int attempt = 0; attempt < 50; attempt++) { // until the listener is up
                sent = sh(sender, "dd if=/dev/zero bs=1000 count=" + payload / 1000 + " 2>/dev/null | nc " + receiver.ip() + " 5000",
                        Duration.ofSeconds(60));
                if (sent.ok()) {
                    break;
                }
                Thread.sleep(100);
            }
            assertThat(sent.ok()).as("nc: %s", sent.stderr()).isTrue();
            assertThat(server.get(60, TimeUnit.SECONDS).ok()).isTrue();

            usage.sampleNow();
            long[] senderDev = procNetDev(sender.uuid());
            long[] receiverDev = procNetDev(receiver.uuid());
            UsageRecord s = last(usage, sender.uuid());
            UsageRecord r = last(usage, receiver.uuid());
            System.out.printf("metering net: sender tx metered %d, net/dev %d (%.5f%%); receiver rx metered %d, net/dev %d (%.5f%%)%n",
                    s.netTxBytes(), senderDev[1], deviation(s.netTxBytes(), senderDev[1]) * 100,
                    r.netRxBytes(), receiverDev[0], deviation(r.netRxBytes(), receiverDev[0]) * 100);
            assertThat(s.netTxBytes()).isGreaterThanOrEqualTo(payload);
            assertThat(r.netRxBytes()).isGreaterThanOrEqualTo(payload);
            assertThat(deviation(s.netTxBytes(), senderDev[1])).isLessThan(TOLERANCE);
            assertThat(deviation(r.netRxBytes(), receiverDev[0])).isLessThan(TOLERANCE);
            assertThat(r.netTxBytes()).as("the receiver's acks are far fewer bytes").isLessThan(payload / 5);
            usage.backend().delete(sender.uuid());
            usage.backend().delete(receiver.uuid());
        }
        assertThat(traces(sender.uuid())).isEmpty();
        assertThat(traces(receiver.uuid())).isEmpty();
    }

    @Test
    void anAgentKilledMidRunResumesWithNoRepeatedSeqAndItsTotalsGoOn() throws Exception {
        Zone zone = create("acme", "crashy", Package.custom(64, 50, 64, 64));
        Path base = config.stateDir().resolve("metering-crash");
        Path log = config.stateDir().resolve("metering-child.log");
        List<Process> children = new ArrayList<>();
        try {
            HostIdle host = HostIdle.start();
            CompletableFuture<ExecResult> burning = CompletableFuture.supplyAsync(() -> burn(zone, 5));
            Process first = child(base, log);
            children.add(first);
            awaitRecords(base, zone.uuid(), 5, first);
            first.destroyForcibly(); // SIGKILL: no shutdown hook, no close
            assertThat(first.waitFor(10, TimeUnit.SECONDS)).isTrue();
            Thread.sleep(700); // the zone burns on while no agent runs

            Process second = child(base, log);
            children.add(second);
            assertThat(burning.get(60, TimeUnit.SECONDS).ok()).isTrue();
            long truth = cgroupCpu(zone.uuid());
            int seen = recordCount(base, zone.uuid());
            awaitRecords(base, zone.uuid(), seen + 4, second); // ticks after the burn, of the now idle zone
            second.destroyForcibly();
            assertThat(second.waitFor(10, TimeUnit.SECONDS)).isTrue();

            try (UsageJournal journal = UsageJournal.open(base.resolve("usage"))) {
                List<UsageEntry> entries = journal.readAll().stream().filter(e -> e.zone().equals(zone.uuid())).toList();
                for (int i = 0; i < entries.size(); i++) {
                    UsageRecord r = entries.get(i).record();
                    assertThat(r.seq()).as("seq: no repeat, no gap").isEqualTo(i + 1);
                    if (i > 0) {
                        assertThat(r.cpuNanos()).isGreaterThanOrEqualTo(entries.get(i - 1).record().cpuNanos());
                        assertThat(r.timeMillis()).isGreaterThanOrEqualTo(entries.get(i - 1).record().timeMillis());
                    }
                }
                long metered = entries.get(entries.size() - 1).record().cpuNanos();
                System.out.printf("metering kill -9: %d records over two agent lives, metered %d ns, cgroup %d ns, "
                        + "deviation %.5f%%, torn bytes cut at recovery: %d%n", entries.size(), metered, truth,
                        deviation(metered, truth) * 100, journal.recovery().truncatedBytes());
                assertThat(deviation(metered, truth)).isLessThan(TOLERANCE);
                // 5 s under a 50% cap; a host with no idle CPU meanwhile gives it less, but never nothing
                assertThat(truth).as("the zone burned about 2.5 s of CPU").isGreaterThan(host.contended() ? 500_000_000L : 2_000_000_000L);
            }
        } finally {
            for (Process p : children) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
        }
        backend.delete(zone.uuid());
        assertThat(traces(zone.uuid())).isEmpty();
    }

    private Process child(Path base, Path log) throws IOException {
        return new ProcessBuilder(
                ProcessHandle.current().info().command().orElse("java"),
                "-cp", System.getProperty("java.class.path"),
                MeteringChild.class.getName(),
                config.stateDir().toString(), config.node(), base.toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
    }

    private static int recordCount(Path base, UUID zone) {
        Path dir = base.resolve("usage");
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        // a read-only look while the child writes: opening the journal would recover (and cut) its live segment
        return (int) UsageJournal.peek(dir).stream().filter(e -> e.zone().equals(zone)).count();
    }

    private void awaitRecords(Path base, UUID zone, int atLeast, Process child) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
            assertThat(child.isAlive()).as("the metering child died; see %s", config.stateDir().resolve("metering-child.log")).isTrue();
            return recordCount(base, zone) >= atLeast;
        });
    }

    /** Runs usage metering over the node's zones in its own JVM until it is killed. */
    public static final class MeteringChild {
        public static void main(String[] args) throws Exception {
            RuncZoneBackend backend = RuncZoneBackend.open(AgentConfig.of(Path.of(args[0]), args[1]));
            UsageConfig c = UsageConfig.defaults(Path.of(args[2])).withSampleInterval(Duration.ofMillis(200));
            UsageMetering.start(backend, args[1], c, MeteringEndpoints.none(), new SimpleMeterRegistry());
            Thread.sleep(Long.MAX_VALUE);
        }
    }
}
