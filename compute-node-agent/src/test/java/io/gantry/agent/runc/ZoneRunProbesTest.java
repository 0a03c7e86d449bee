package io.gantry.agent.runc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gantry.agent.ZoneRun;
import io.gantry.common.ErrorCode;
import io.gantry.common.GantryException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ZoneRunProbes} over zones laid out in a temp dir: runc's state.json and the cgroup v1
 * files are plain files written by the test, the zone's init is a real process ({@code sleep}), so its
 * /proc entries are the kernel's. No root needed; the real-zone ground truth is {@link ZoneMeteringTest}.
 */
class ZoneRunProbesTest {
    private static final String NODE = "probe";

    @TempDir
    Path tmp;
    private Path zones;
    private Path runcRoot;
    private Path cgroupRoot;
    private ZoneRunProbes probes;
    private final List<Process> inits = new ArrayList<>();

    @BeforeEach
    void open() throws IOException {
        zones = Files.createDirectories(tmp.resolve("zones"));
        runcRoot = Files.createDirectories(tmp.resolve("runc"));
        cgroupRoot = Files.createDirectories(tmp.resolve("cgroup"));
        probes = new ZoneRunProbes(new RuncStateCache(runcRoot),
                layout -> ZoneRunProbe.CgroupFiles.of(cgroupRoot, false, layout.cgroupsPath()), Path.of("/proc"));
    }

    @AfterEach
    void close() throws InterruptedException {
        probes.close();
        for (Process p : inits) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private Process startInit() throws IOException {
        Process p = new ProcessBuilder("sleep", "600").start();
        inits.add(p);
        return p;
    }

    /** A zone whose init is {@code init}: its dir, runc's state.json and its cgroup files holding {@code cpu}. */
    private ZoneLayout zone(UUID uuid, Process init, long cpu) throws IOException {
        ZoneLayout layout = ZoneLayout.of(zones, uuid, NODE);
        Files.createDirectories(layout.dir());
        long start = RuncStateFile.processStart(init.pid()).orElseThrow();
        Path state = RuncStateFile.path(runcRoot, layout.containerId());
        Files.createDirectories(state.getParent());
        Path tmpState = state.resolveSibling("state.json.tmp");
        Files.writeString(tmpState, """
                {"id":"%s","init_process_pid":%d,"init_process_start":%d,"created":"2026-12-05T09:00:00Z","config":{}}
                """.formatted(layout.containerId(), init.pid(), start));
        Files.move(tmpState, state, java.nio.file.StandardCopyOption.ATOMIC_MOVE); // as runc replaces it
        cgroup(layout, cpu, 1 << 20);
        return layout;
    }

    private void cgroup(ZoneLayout layout, long cpu, long memory) throws IOException {
        String rel = layout.cgroupsPath().substring(1);
        Path cpuacct = Files.createDirectories(cgroupRoot.resolve("cpuacct").resolve(rel));
        Path mem = Files.createDirectories(cgroupRoot.resolve("memory").resolve(rel));
        Path pids = Files.createDirectories(cgroupRoot.resolve("pids").resolve(rel));
        Files.writeString(cpuacct.resolve("cpuacct.usage"), cpu + "\n");
        Files.writeString(mem.resolve("memory.usage_in_bytes"), memory + "\n");
        Files.writeString(mem.resolve("memory.max_usage_in_bytes"), 2 * memory + "\n");
        Files.writeString(mem.resolve("memory.oom_control"), "oom_kill_disable 0\nunder_oom 0\noom_kill 3\n");
        Files.writeString(pids.resolve("pids.events"), "max 5\n");
    }

    private static long openFds() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }

    /** This process's open files below {@code dir} (other threads of the JVM open and close files of their own meanwhile). */
    private static long openFilesBelow(Path dir) throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.filter(fd -> {
                try {
                    return Files.readSymbolicLink(fd).startsWith(dir);
                } catch (IOException gone) {
                    return false; // closed while listed
                }
            }).count();
        }
    }

    @Test
    void aRunIsReadFromItsOpenFilesAndEachReadingSeesTheCountersOfNow() throws Exception {
        Process init = startInit();
        ZoneLayout layout = zone(UUID.randomUUID(), init, 1000);
        ZoneRun first = probes.currentRun(layout).orElseThrow();
        assertThat(first.incarnation()).startsWith(init.pid() + "@");
        assertThat(first.counters().cpuNanos()).isEqualTo(1000);
        assertThat(first.counters().memoryBytes()).isEqualTo(1 << 20);
        assertThat(first.counters().memoryPeakBytes()).isEqualTo(2 << 20);
        assertThat(first.counters().oomKills()).isEqualTo(3);
        assertThat(first.counters().forksRefused()).isEqualTo(5);
        assertThat(first.startedAtMillis()).isEqualTo(java.time.Instant.parse("2026-12-05T09:00:00Z").toEpochMilli());
        assertThat(probes.open()).isEqualTo(1);

        long fds = openFilesBelow(cgroupRoot);
        assertThat(fds).as("the first reading's cgroup files, held open").isPositive();
        cgroup(layout, 2500, 3 << 20); // the same files, rewritten in place
        ZoneRun second = probes.currentRun(layout).orElseThrow();
        assertThat(second.counters().cpuNanos()).isEqualTo(2500);
        assertThat(second.counters().memoryBytes()).isEqualTo(3 << 20);
        assertThat(second.incarnation()).isEqualTo(first.incarnation());
        assertThat(openFilesBelow(cgroupRoot)).as("the second reading opened nothing").isEqualTo(fds);
    }

    @Test
    void aRestartedZoneIsANewRunWithItsFilesOpenedAgain() throws Exception {
        UUID uuid = UUID.randomUUID();
        Process first = startInit();
        ZoneLayout layout = zone(uuid, first, 5000);
        String firstRun = probes.currentRun(layout).orElseThrow().incarnation();

        first.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        assertThat(probes.currentRun(layout)).as("stopped: the init is gone, runc's state still names it").isEmpty();
        assertThat(probes.open()).as("the ended run's files are closed").isZero();

        Process second = startInit();
        zone(uuid, second, 40); // runc's new state.json; the cgroup made again from zero
        ZoneRun again = probes.currentRun(layout).orElseThrow();
        assertThat(again.incarnation()).isNotEqualTo(firstRun).startsWith(second.pid() + "@");
        assertThat(again.counters().cpuNanos()).isEqualTo(40);
        assertThat(probes.open()).isEqualTo(1);
    }

    @Test
    void aZoneRemovedBehindTheProbesBackReadsAsNotFoundAndLetsGoOfItsFiles() throws Exception {
        Process init = startInit();
        ZoneLayout layout = zone(UUID.randomUUID(), init, 1);
        probes.currentRun(layout).orElseThrow();
        init.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        io.gantry.agent.host.Cmd.check("rm", "-rf", layout.dir().toString());
        assertThatThrownBy(() -> probes.currentRun(layout)).isInstanceOf(GantryException.class)
                .satisfies(e -> assertThat(((GantryException) e).code()).isEqualTo(ErrorCode.ResourceNotFound));
        assertThat(probes.open()).isZero();
    }

    @Test
    void noFileHandleOutlivesItsZoneOverAThousandZonesMadeReadAndRemoved() throws Exception {
        Process init = startInit();
        for (int i = 0; i < 20; i++) { // warm-up: class loading, the JDK's own buffers
            UUID uuid = UUID.randomUUID();
            probes.currentRun(zone(uuid, init, i));
            probes.close(uuid);
        }
        long before = openFds();
        for (int i = 0; i < 1000; i++) {
            UUID uuid = UUID.randomUUID();
            ZoneLayout layout = zone(uuid, init, i);
            assertThat(probes.currentRun(layout).map(r -> r.counters().cpuNanos())).isEqualTo(Optional.of((long) i));
            assertThat(probes.currentRun(layout)).isPresent();
            probes.close(uuid); // as the backend does before it removes a zone
        }
        assertThat(probes.open()).isZero();
        // a leak only adds handles; others of this JVM (earlier tests' process pipes) may close meanwhile
        assertThat(openFds()).as("open file handles after 1,000 zones came and went").isLessThanOrEqualTo(before);
    }
}
