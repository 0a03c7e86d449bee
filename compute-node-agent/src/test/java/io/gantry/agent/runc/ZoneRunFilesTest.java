package io.gantry.agent.runc;

import static org.assertj.core.api.Assertions.assertThat;

import io.gantry.agent.ZoneRun;
import io.gantry.common.Zone;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What metering keeps open of real runc zones ({@link RuncZoneBackend#currentRun} through
 * {@link ZoneRunProbes}): the files of a run are opened once, opened again for the next run after a
 * restart, and let go when the zone is deleted, so nothing is left open and nothing of the zone is
 * left on the host.
 */
class ZoneRunFilesTest extends RealZonesTest {

    private static long openFds() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }

    /**
     * The count once it holds still: a finished command's pipes are closed by the JDK's process reaper thread a moment
     * after the command ends, so a count taken right after a create or delete may still include them (CI once saw 2).
     */
    private static long settledFds() throws IOException, InterruptedException {
        long last = openFds();
        int same = 0;
        for (int i = 0; i < 100 && same < 3; i++) {
            Thread.sleep(50);
            long now = openFds();
            same = now == last ? same + 1 : 0;
            last = now;
        }
        return last;
    }

    @Test
    void aRestartedZoneIsReadFromItsNewRunsFiles() throws Exception {
        Zone zone = create("acme", "restarted");
        try {
            ZoneRun first = backend.currentRun(zone.uuid()).orElseThrow();
            long fds = openFds();
            assertThat(backend.currentRun(zone.uuid()).orElseThrow().incarnation()).isEqualTo(first.incarnation());
            assertThat(openFds()).as("a second reading of the same run opens nothing").isEqualTo(fds);

            backend.stop(zone.uuid(), Duration.ofSeconds(5));
            assertThat(backend.currentRun(zone.uuid())).as("stopped").isEmpty();
            assertThat(openFds()).as("the stopped run's files are closed").isLessThan(fds);
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
        long before = settledFds();
        for (int i = 0; i < 10; i++) {
            Zone zone = create("acme", "cycle" + i);
            assertThat(backend.currentRun(zone.uuid())).isPresent();
            assertThat(openFds()).as("a running zone's files are open").isGreaterThan(before);
            backend.delete(zone.uuid());
            assertThat(traces(zone.uuid())).isEmpty();
        }
        assertThat(settledFds()).as("open file handles after 10 real zones came and went").isEqualTo(before);
    }
}
