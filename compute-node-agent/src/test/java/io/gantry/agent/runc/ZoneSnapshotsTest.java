package io.gantry.agent.runc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gantry.common.ErrorCode;
import io.gantry.common.GantryException;
import io.gantry.common.Package;
import io.gantry.common.Zone;
import io.gantry.common.ZoneState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Snapshots of real runc zones: a rollback restores every file exactly, and a snapshot that does not fit leaves nothing. */
class ZoneSnapshotsTest extends RealZonesTest {
    /** Every file of the zone's root (its own filesystem only): path, mode, owner, type, link target, sha256 of contents. */
    private static final String LISTING = "find / -xdev | sort | while read f; do stat -c '%n %a %u:%g %F' \"$f\";"
            + " if [ -L \"$f\" ]; then echo \"-> $(readlink \"$f\")\"; elif [ -f \"$f\" ]; then sha256sum \"$f\"; fi; done";

    private String listing(Zone zone) {
        var r = sh(zone, LISTING, Duration.ofSeconds(60));
        assertThat(r.ok()).as(r.stderr()).isTrue();
        return r.stdout();
    }

    @Test
    void rollingBackRestoresEveryFileAsItWasAtTheSnapshot() {
        Zone zone = create("acme", "snappy");
        var made = sh(zone, "mkdir -p /data/sub && echo hello > /data/a.txt && head -c 300000 /dev/urandom > /data/blob"
                + " && ln -s /data/a.txt /data/link && chmod 640 /data/a.txt && chown 65534:65534 /data/blob && chmod 4711 /data/sub"
                + " && rm /bin/vi && rm -rf /var/tmp && mkdir /var/tmp && echo inside > /var/tmp/kept"
                // an opaque directory: the image's /etc hidden by a new one
                + " && rm -rf /etc && mkdir /etc && echo 'root:x:0:0:root:/root:/bin/sh' > /etc/passwd && echo 'root:x:0:' > /etc/group");
        assertThat(made.ok()).as(made.stderr()).isTrue();
        String before = listing(zone);
        assertThat(before).contains("/data/link").contains("-> /data/a.txt").doesNotContain("/etc/os-release").doesNotContain("/bin/vi ")
                .contains("/data/a.txt 640 0:0").contains("/data/blob 644 65534:65534");
        long usedBefore = backend.counters(zone.uuid()).diskUsedBytes();

        long bytes = backend.createSnapshot(zone.uuid(), "before-upgrade");
        assertThat(bytes).as("the 300 kB blob and the rest").isGreaterThan(300_000);
        assertThat(backend.createSnapshot(zone.uuid(), "before-upgrade")).as("a retried task").isEqualTo(bytes);
        assertThat(backend.counters(zone.uuid()).diskUsedBytes()).as("the snapshot is on the zone's disk")
                .isGreaterThanOrEqualTo(usedBefore + 300_000);
        assertThat(sh(zone, "echo still running").ok()).as("the zone was resumed after the copy").isTrue();

        var changed = sh(zone, "echo changed > /data/a.txt && rm /data/blob /data/link && echo new > /data/new && chmod 700 /data/sub"
                + " && echo back > /etc/os-release && rm /etc/passwd && rm -r /var/tmp && head -c 50000 /dev/urandom > /bin/extra");
        assertThat(changed.ok()).as(changed.stderr()).isTrue();
        assertThat(listing(zone)).isNotEqualTo(before);

        Zone rolled = backend.startFromSnapshot(zone.uuid(), "before-upgrade", Duration.ofSeconds(5));
        assertThat(rolled.state()).isEqualTo(ZoneState.RUNNING);
        assertThat(listing(zone)).isEqualTo(before);
        assertThat(sh(zone, "cat /data/a.txt /var/tmp/kept").stdout()).isEqualTo("hello\ninside\n");
        assertThat(backend.snapshots(zone.uuid())).as("the snapshot stays").containsExactly("before-upgrade");

        // rolled back twice from the same snapshot: the second rollback starts from the first one's files
        assertThat(sh(zone, "echo again > /data/a.txt").ok()).isTrue();
        backend.startFromSnapshot(zone.uuid(), "before-upgrade", Duration.ofSeconds(5));
        assertThat(listing(zone)).isEqualTo(before);

        backend.deleteSnapshot(zone.uuid(), "before-upgrade");
        backend.deleteSnapshot(zone.uuid(), "before-upgrade"); // already gone: done
        assertThat(backend.snapshots(zone.uuid())).isEmpty();
        assertThatThrownBy(() -> backend.startFromSnapshot(zone.uuid(), "before-upgrade", Duration.ofSeconds(5)))
                .extracting(e -> ((GantryException) e).code()).isEqualTo(ErrorCode.ResourceNotFound);
        assertThat(backend.get(zone.uuid()).state()).as("a rollback to no snapshot does not stop the zone").isEqualTo(ZoneState.RUNNING);
        backend.delete(zone.uuid());
        assertThat(traces(zone.uuid())).isEmpty();
    }

    @Test
    void aStoppedZonesSnapshotAndRollbackLeaveItRunning() {
        Zone zone = create("acme", "resting");
        assertThat(sh(zone, "echo one > /data.txt").ok()).isTrue();
        backend.stop(zone.uuid(), Duration.ofSeconds(5));
        assertThat(backend.createSnapshot(zone.uuid(), "s1")).isPositive();
        backend.start(zone.uuid());
        assertThat(sh(zone, "echo two > /data.txt").ok()).isTrue();
        backend.stop(zone.uuid(), Duration.ofSeconds(5));
        assertThat(backend.startFromSnapshot(zone.uuid(), "s1", Duration.ofSeconds(5)).state()).isEqualTo(ZoneState.RUNNING);
        assertThat(sh(zone, "cat /data.txt").stdout()).isEqualTo("one\n");
        backend.delete(zone.uuid());
    }

    @Test
    void aSnapshotLargerThanTheFreeDiskFailsAndLeavesNothing() throws IOException {
        Zone zone = create("acme", "full", Package.custom(64, 100, 64, 100));
        var filled = sh(zone, "head -c 60000000 /dev/urandom > /big", Duration.ofSeconds(60));
        assertThat(filled.ok()).as(filled.stderr()).isTrue();
        long used = backend.counters(zone.uuid()).diskUsedBytes();
        assertThatThrownBy(() -> backend.createSnapshot(zone.uuid(), "too-big"))
                .isInstanceOf(GantryException.class)
                .hasMessageContaining("does not fit on the zone's disk")
                .extracting(e -> ((GantryException) e).code()).isEqualTo(ErrorCode.InvalidArgument);
        assertThat(backend.snapshots(zone.uuid())).isEmpty();
        try (Stream<Path> left = Files.list(ZoneSnapshots.dir(backend.layout(zone.uuid())))) {
            assertThat(left.toList()).as("no partial copy is left").isEmpty();
        }
        assertThat(backend.counters(zone.uuid()).diskUsedBytes()).as("the space is free again").isLessThan(used + (1 << 20));
        var alive = sh(zone, "echo thawed > /after && cat /after");
        assertThat(alive.stdout()).as("the zone runs and writes after the failed snapshot").isEqualTo("thawed\n");
        backend.delete(zone.uuid());
    }

    @Test
    void aRollbackOnADiskWithNoRoomForASecondCopyReplacesTheFilesInPlace() throws IOException {
        Zone zone = create("acme", "cramped", Package.custom(64, 100, 64, 100));
        var filled = sh(zone, "head -c 40000000 /dev/urandom > /big && sha256sum /big > /big.sum && echo one > /small", Duration.ofSeconds(60));
        assertThat(filled.ok()).as(filled.stderr()).isTrue();
        backend.createSnapshot(zone.uuid(), "s");
        long free = backend.counters(zone.uuid()).diskTotalBytes() - backend.counters(zone.uuid()).diskUsedBytes();
        assertThat(free).as("less room than the snapshot takes: the staged copy cannot fit").isLessThan(40_000_000);
        assertThat(sh(zone, "echo two > /small && echo more > /new").ok()).isTrue();

        assertThat(backend.startFromSnapshot(zone.uuid(), "s", Duration.ofSeconds(5)).state()).isEqualTo(ZoneState.RUNNING);
        assertThat(sh(zone, "cat /small; sha256sum -c /big.sum; ls /new 2>/dev/null || echo no-new").stdout())
                .isEqualTo("one\n/big: OK\nno-new\n");
        ZoneLayout layout = backend.layout(zone.uuid());
        try (Stream<Path> top = Files.list(layout.diskMount())) {
            assertThat(top.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("rollback")).toList()).as("no marker left").isEmpty();
        }

        // a crash after the current files went: the next start copies the snapshot back from the marker
        assertThat(sh(zone, "echo three > /small").ok()).isTrue();
        backend.stop(zone.uuid(), Duration.ofSeconds(5));
        ZoneDisk.unmountOverlay(layout, backend.diskTool());
        Files.createFile(layout.diskMount().resolve("rollback.in-place-s"));
        io.gantry.agent.host.Cmd.check("rm", "-rf", layout.upper().toString());
        backend.start(zone.uuid());
        assertThat(sh(zone, "cat /small; sha256sum -c /big.sum").stdout()).isEqualTo("one\n/big: OK\n");
        assertThat(Files.exists(layout.diskMount().resolve("rollback.in-place-s"))).isFalse();
        backend.delete(zone.uuid());
    }

    @Test
    void aZoneLeftPausedByAnInterruptedSnapshotIsResumedByRecovery() {
        Zone zone = create("acme", "frozen");
        io.gantry.agent.host.Cmd.check("runc", "--root", config.runcRoot().toString(), "pause", zone.uuid().toString());
        backend.recover();
        assertThat(backend.get(zone.uuid()).state()).isEqualTo(ZoneState.RUNNING);
        assertThat(sh(zone, "echo thawed").stdout()).isEqualTo("thawed\n");
        backend.delete(zone.uuid());
    }

    @Test
    void leftoversOfACrashAreRemovedAndAHalfDoneRollbackIsFinished() throws IOException {
        Zone zone = create("acme", "crashy");
        assertThat(sh(zone, "echo snap > /f").ok()).isTrue();
        backend.createSnapshot(zone.uuid(), "s");
        assertThat(sh(zone, "echo later > /f").ok()).isTrue();
        backend.stop(zone.uuid(), Duration.ofSeconds(5));
        ZoneLayout layout = backend.layout(zone.uuid());
        ZoneDisk.unmountOverlay(layout, backend.diskTool());
        // a crash between the rollback's two renames, and a snapshot copy cut short
        io.gantry.agent.host.Cmd.check("cp", "-a", "--no-target-directory", ZoneSnapshots.of(layout, "s").toString(),
                layout.diskMount().resolve("rollback.partial").toString());
        Files.move(layout.upper(), layout.diskMount().resolve("upper.old"));
        Files.createDirectories(ZoneSnapshots.dir(layout).resolve(".partial-t"));
        backend.start(zone.uuid());
        assertThat(sh(zone, "cat /f").stdout()).isEqualTo("snap\n");
        assertThat(Files.exists(layout.diskMount().resolve("upper.old"))).isFalse();
        assertThat(Files.exists(layout.diskMount().resolve("rollback.partial"))).isFalse();
        try (Stream<Path> left = Files.list(ZoneSnapshots.dir(layout))) {
            assertThat(left.map(p -> p.getFileName().toString()).toList()).isEqualTo(List.of("s"));
        }
        backend.delete(zone.uuid());
    }
}
