package io.gantry.agent.runc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gantry.agent.ZoneCounters;
import io.gantry.agent.host.Cmd;
import io.gantry.common.ErrorCode;
import io.gantry.common.GantryException;
import io.gantry.common.Package;
import io.gantry.common.ResourceUpdate;
import io.gantry.common.Zone;
import io.gantry.common.ZoneSpec;
import io.gantry.common.ZoneState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ZoneLifecycleTest extends RealZonesTest {

    @Test
    void creatingTheSameUuidTwiceReturnsTheSameZone() {
        ZoneSpec spec = new ZoneSpec(UUID.randomUUID(), "twice", "acme", imageId, Package.custom(64, 100, 64, 64));
        Zone first = backend.create(spec);
        long pid = backend.initPid(spec.uuid()).orElseThrow();
        Zone again = backend.create(spec);
        assertThat(again).isEqualTo(first);
        assertThat(backend.initPid(spec.uuid())).contains(pid);
        assertThatThrownBy(() -> backend.create(new ZoneSpec(spec.uuid(), "other", "acme", imageId, spec.pkg())))
                .hasMessageContaining("already exists with a different");
        backend.delete(spec.uuid());
    }

    @Test
    void stopStartAndRebootKeepTheZonesData() {
        Zone zone = create("acme", "cycler");
        assertThat(sh(zone, "echo kept > /data").ok()).isTrue();
        long pid = backend.initPid(zone.uuid()).orElseThrow();

        assertThat(backend.stop(zone.uuid(), Duration.ofSeconds(5)).state()).isEqualTo(ZoneState.STOPPED);
        assertThat(backend.initPid(zone.uuid())).isEmpty();
        assertThat(backend.stop(zone.uuid(), Duration.ofSeconds(5)).state()).as("stopping again is a no-op").isEqualTo(ZoneState.STOPPED);
        assertThatThrownBy(() -> sh(zone, "true")).isInstanceOf(GantryException.class).hasMessageContaining("it is stopped");

        assertThat(backend.start(zone.uuid()).state()).isEqualTo(ZoneState.RUNNING);
        assertThat(sh(zone, "cat /data").stdout().strip()).isEqualTo("kept");
        assertThat(sh(zone, "hostname").stdout().strip()).isEqualTo("cycler");
        assertThat(ping(zone)).as("network works after a restart").isTrue();

        long before = backend.initPid(zone.uuid()).orElseThrow();
        assertThat(backend.reboot(zone.uuid(), Duration.ofSeconds(5)).state()).isEqualTo(ZoneState.RUNNING);
        assertThat(backend.initPid(zone.uuid()).orElseThrow()).isNotEqualTo(before).isNotEqualTo(pid);
        assertThat(sh(zone, "cat /data").stdout().strip()).isEqualTo("kept");
        backend.delete(zone.uuid());
    }

    @Test
    void theZonesInitReapsOrphansAndSleepsUntilASignalComes() throws Exception {
        Zone zone = create("acme", "reaper");
        long init = backend.initPid(zone.uuid()).orElseThrow();
        assertThat(Files.readString(Path.of("/proc/" + init + "/cmdline"))).startsWith(OciSpec.INIT_PATH + "\0--\0");
        // orphaned in the zone as its subshell ends: process 1's child from then on, until it ends 2 s later
        assertThat(sh(zone, "(sleep 2 </dev/null >/dev/null 2>&1 &); echo started").stdout()).contains("started");
        assertThat(ProcessFiles.children(init)).as("the idle shell and the orphan").hasSize(2);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
                .until(() -> ProcessFiles.children(init).size() == 1);

        long before = ProcessFiles.contextSwitches(init);
        Thread.sleep(3_000);
        assertThat(ProcessFiles.contextSwitches(init)).as("process 1 of an idle zone does not wake").isEqualTo(before);
        backend.delete(zone.uuid());
    }

    @Test
    void stopKillsAZoneThatIgnoresSigterm() {
        Zone zone = create("acme", "stubborn");
        // the zone's init forwards SIGTERM to the idle shell; replace that shell's handler so TERM is ignored
        // (the init may not have started the shell yet when the zone reads running, on a busy host)
        String init = Long.toString(backend.initPid(zone.uuid()).orElseThrow());
        long shellPid = Long.parseLong(org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .until(() -> Cmd.run("pgrep", "-P", init).stdout().lines().findFirst().map(String::strip).orElse(""), p -> !p.isEmpty()));
        Cmd.check("kill", "-STOP", Long.toString(shellPid)); // a stopped process cannot act on SIGTERM
        long t0 = System.nanoTime();
        assertThat(backend.stop(zone.uuid(), Duration.ofSeconds(1)).state()).isEqualTo(ZoneState.STOPPED);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(900));
        assertThat(backend.initPid(zone.uuid())).isEmpty();
        backend.delete(zone.uuid());
    }

    @Test
    void liveResizeOfMemoryCpuAndLwpsTakesEffect() {
        Zone zone = create("acme", "grower", Package.custom(64, 50, 64, 64));
        assertThat(sh(zone, "dd if=/dev/zero of=/dev/null bs=100M count=1").exitCode()).as("100 MiB in 64 MiB").isEqualTo(137);

        Zone resized = backend.update(zone.uuid(), new ResourceUpdate(256L, null, null, 150, 128, null));
        assertThat(resized.pkg().memoryMiB()).isEqualTo(256);
        ZoneCounters c = backend.counters(zone.uuid());
        assertThat(c.memoryLimitBytes()).isEqualTo(256L << 20);
        assertThat(c.cpuQuotaMicros()).isEqualTo(150_000);
        assertThat(c.lwpsLimit()).isEqualTo(128);
        assertThat(sh(zone, "dd if=/dev/zero of=/dev/null bs=100M count=1").ok()).as("100 MiB in 256 MiB").isTrue();
        assertThat(backend.initPid(zone.uuid())).as("resized without a restart").isPresent();
        assertThat(backend.get(zone.uuid()).pkg().lwps()).as("recorded").isEqualTo(128);
        backend.delete(zone.uuid());
    }

    @Test
    void diskGrowsWhileStoppedAndNeverShrinks() {
        Zone zone = create("acme", "roomy", Package.custom(64, 100, 64, 64));
        assertThatThrownBy(() -> backend.update(zone.uuid(), new ResourceUpdate(null, null, null, null, null, 128L)))
                .extracting(e -> ((GantryException) e).code()).isEqualTo(ErrorCode.InvalidState);
        backend.stop(zone.uuid(), Duration.ofSeconds(5));
        assertThatThrownBy(() -> backend.update(zone.uuid(), new ResourceUpdate(null, null, null, null, null, 32L)))
                .hasMessageContaining("cannot shrink");
        backend.update(zone.uuid(), new ResourceUpdate(null, null, null, null, null, 128L));
        backend.start(zone.uuid());
        assertThat(backend.counters(zone.uuid()).diskTotalBytes()).isGreaterThan(100L << 20);
        assertThat(sh(zone, "dd if=/dev/zero of=/fill bs=1M count=90").ok()).as("90 MiB fit after the grow").isTrue();
        backend.delete(zone.uuid());
    }

    @Test
    void deletingEveryZoneLeavesNoTrace() {
        List<Zone> zones = List.of(create("acme", "d1"), create("acme", "d2"), create("other", "d3"));
        backend.stop(zones.get(1).uuid(), Duration.ofSeconds(5));
        for (Zone z : zones) {
            backend.delete(z.uuid());
        }
        for (Zone z : zones) {
            assertThat(traces(z.uuid())).as("left of %s", z.alias()).isEmpty();
            assertThatThrownBy(() -> backend.get(z.uuid())).extracting(e -> ((GantryException) e).code())
                    .isEqualTo(ErrorCode.ResourceNotFound);
        }
        assertThat(backend.list()).isEmpty();
        assertThat(backend.cgroupDirs()).as("the node's cgroup parent").isEmpty();
        String links = Cmd.check("ip", "-n", backend.network().netns(), "-o", "link").stdout();
        assertThat(links.lines().count()).as("only lo is left in the node namespace: %s", links).isEqualTo(1);
        assertThat(Cmd.check("ip", "netns", "list").stdout()).doesNotContain(backend.layout(zones.get(0).uuid()).netns());
    }

    @Test
    void badRequestsGetClearErrors() {
        UUID missing = UUID.randomUUID();
        assertThatThrownBy(() -> backend.start(missing)).hasMessageContaining("does not exist")
                .extracting(e -> ((GantryException) e).code()).isEqualTo(ErrorCode.ResourceNotFound);
        assertThatThrownBy(() -> backend.create(new ZoneSpec(missing, "x", "acme", "f".repeat(64), Package.custom(64, 0, 32, 64))))
                .hasMessageContaining("is not on this node");
        assertThat(traces(missing)).isEmpty();
    }

    private boolean ping(Zone zone) {
        return sh(zone, "ping -c 1 -W 1 " + zone.ip()).ok();
    }
}
