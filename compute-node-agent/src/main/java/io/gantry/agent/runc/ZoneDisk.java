package io.gantry.agent.runc;

import io.gantry.agent.host.Cmd;
import io.gantry.agent.host.Mounts;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A zone's root filesystem: a sparse ext4 image of the quota's size, loop-mounted, holding the
 * upper and work dirs of an overlay on the shared read-only image. Writing past the quota fails
 * with ENOSPC. The kernel here has no project quotas, so a loop disk is the quota (zones-on-linux §3).
 */
final class ZoneDisk {
    private static final long MiB = 1024 * 1024;

    private ZoneDisk() {
    }

    static void create(ZoneLayout zone, long sizeMiB) {
        try {
            Files.createDirectories(zone.dir());
            try (RandomAccessFile f = new RandomAccessFile(zone.diskImage().toFile(), "rw")) {
                f.setLength(Math.multiplyExact(sizeMiB, MiB)); // sparse: blocks are allocated only when written
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Cmd.check("mkfs.ext4", "-q", "-F", "-m", "0", "-E", "nodiscard", zone.diskImage().toString());
    }

    /** Mounts the loop disk and the overlay over {@code imageRootfs}; does nothing for what is already mounted. */
    static void mount(ZoneLayout zone, Path imageRootfs) {
        try {
            Files.createDirectories(zone.diskMount());
            Files.createDirectories(zone.rootfs());
            if (!Mounts.isMounted(zone.diskMount())) {
                Cmd.check("mount", "-o", "loop,discard", zone.diskImage().toString(), zone.diskMount().toString());
            }
            if (!Mounts.isMounted(zone.rootfs())) {
                ZoneSnapshots.finishInterrupted(zone); // a snapshot or rollback a crash cut short, before upper is used
            }
            Files.createDirectories(zone.upper());
            Files.createDirectories(zone.work());
            if (!Mounts.isMounted(zone.rootfs())) {
                Cmd.check("mount", "-t", "overlay", "overlay", "-o",
                        "lowerdir=" + imageRootfs + ",upperdir=" + zone.upper() + ",workdir=" + zone.work(),
                        zone.rootfs().toString());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Unmounts the overlay only: the loop disk (with the upper dir and the snapshots) stays mounted. */
    static void unmountOverlay(ZoneLayout zone) {
        if (Mounts.isMounted(zone.rootfs())) {
            Cmd.check("umount", zone.rootfs().toString());
        }
    }

    /** Unmounts the overlay and the loop disk and frees the loop device; safe to call on a half-made zone. */
    static void unmount(ZoneLayout zone) {
        for (Path point : new Path[] {zone.rootfs(), zone.diskMount()}) {
            if (Mounts.isMounted(point)) {
                Cmd.check("umount", point.toString());
            }
        }
        if (Files.exists(zone.diskImage())) {
            // mount -o loop sets autoclear; a crash between losetup and mount can still leave one attached
            String attached = Cmd.run("losetup", "-j", zone.diskImage().toString()).stdout();
            for (String line : attached.split("\n")) {
                int colon = line.indexOf(':');
                if (colon > 0) {
                    Cmd.run("losetup", "-d", line.substring(0, colon));
                }
            }
        }
    }

    /**
     * Grows the unmounted filesystem to {@code newMiB}, offline: online growth needs
     * CAP_SYS_RESOURCE, which nodes here lack. The caller checks that it grows and unmounts first.
     */
    static void grow(ZoneLayout zone, long newMiB) {
        try (RandomAccessFile f = new RandomAccessFile(zone.diskImage().toFile(), "rw")) {
            f.setLength(Math.multiplyExact(newMiB, MiB));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Cmd.Result fsck = Cmd.run("e2fsck", "-f", "-p", zone.diskImage().toString());
        if (fsck.exitCode() > 1) { // 1 means "errors corrected"
            fsck.orThrow();
        }
        Cmd.check("resize2fs", zone.diskImage().toString());
    }
}
