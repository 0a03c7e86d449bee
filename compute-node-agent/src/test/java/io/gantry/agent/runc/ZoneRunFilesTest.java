package io.gantry.agent.runc;

import static org.assertj.core.api.Assertions.assertThat;

import io.gantry.agent.ZoneRun;
import io.gantry.common.Zone;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What metering keeps open of real runc zones ({@link RuncZoneBackend#currentRun} through
 * {@link ZoneRunProbes}): the files of a run are opened once, opened again for the next run after a
 * restart, and let go when the zone is deleted, so nothing is left open and nothing of the zone is
 * left on the host.
 */
class ZoneRunFilesTest extends RealZonesTest {
    private static final Pattern PROC_ENTRY = Pattern.compile("/proc/[0-9]+/");

    /**
     * This process's open files that a zone's run can hold: below the cgroup tree, in another process's /proc entry, or
     * in the node's state directory. Other threads of the JVM open and close files of their own meanwhile (a run here saw
     * the whole count fall by 4 during the loop below), so only these are counted.
     */
    private long zoneFiles() throws IOException {
        String self = "/proc/" + ProcessHandle.current().pid() + "/";
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.filter(fd -> {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    return target.startsWith("/sys/fs/cgroup/") || (PROC_ENTRY.matcher(target).lookingAt() && !target.startsWith(self))
                            || target.startsWith(config.stateDir().toString());
                } catch (IOException gone) {
                    return false; // closed while listed
                }
            }).count();
        }
    }

    @Test
    void aRestartedZoneIsReadFromItsNewRunsFiles() throws Exception {
        Zone zone = create("acme", "restarted");
        try {
            ZoneRun first = backend.currentRun(zone.uuid()).orElseThrow();
            long fds = zoneFiles();
            assertThat(backend.currentRun(zone.uuid()).orElseThrow().incarnation()).isEqualTo(first.incarnation());
            assertThat(zoneFiles()).as("a second reading of the same run opens nothing").isEqualTo(fds);

            backend.stop(zone.uuid(), Duration.ofSeconds(5));
            assertThat(backend.currentRun(zone.uuid())).as("stopped").isEmpty();
            assertThat(zoneFiles()).as("the stopped run's files are closed").isLessThan(fds);
            backend.start(zone.uuid());
            ZoneRun second = backend.currentRun(zone.uuid()).orElseThrow();
            assertThat(second.incarnation()).isNotEqualTo(first.incarnation());
            long pid = backend.initPid(zone.uuid()).orElseThrow();
            assertThat(second.incarnation()).startsWith(pid + "@");
            assertThat(second.counters().cpuNanos()).as("the new run's cgroup, counted from zero")
                    .isPositive().isLessThan(first.counters().cpuNanos() + 5_000_000_000L);
        } finally {
            backend.delete(zone.uuid());
        }
        assertThat(traces(zone.uuid())).isEmpty();
    }

    @Test
    void noFileOfAZoneStaysOpenOnceItIsDeleted() throws Exception {
        Zone warm = create("acme", "warm");
        backend.currentRun(warm.uuid()).orElseThrow();
        backend.delete(warm.uuid());
        long before = zoneFiles();
        for (int i = 0; i < 10; i++) {
            Zone zone = create("acme", "cycle" + i);
            assertThat(backend.currentRun(zone.uuid())).isPresent();
            assertThat(zoneFiles()).as("a running zone's files are open").isGreaterThan(before);
            backend.delete(zone.uuid());
            assertThat(traces(zone.uuid())).isEmpty();
        }
        assertThat(zoneFiles()).as("files of zones held open after 10 real zones came and went").isEqualTo(before);
    }
}
