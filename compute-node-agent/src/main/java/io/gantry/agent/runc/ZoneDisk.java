package io.gantry.agent.runc;

import io.gantry.agent.host.Cmd;
import io.gantry.agent.host.Mounts;
import io.gantry.common.GantryException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A zone's root filesystem: a sparse ext4 image of the quota's size, loop-mounted, holding the
 * upper and work dirs of an overlay on the shared read-only image. Writing past the quota fails
 * with ENOSPC. The kernel here has no project quotas, so a loop disk is the quota (zones-on-linux §3). Nothing here
 * reads the mount table or lists the loop devices on the normal path, so a create or delete costs the same on a node
 * with 1,500 zones as on an empty one.
 */
final class ZoneDisk {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ZoneDisk.class);
    private static final java.time.Duration RELEASE_TIMEOUT = java.time.Duration.ofSeconds(30);
    private static final long MiB = 1024 * 1024;

    private ZoneDisk() {
    }

    /**
     * A new zone's disk: a sparse copy of the formatted template of its size, attached, mounted, and the overlay over
     * {@code imageRootfs} on it, in one run of the tool. A create cut short is removed whole by its caller.
     */
    static void createAndMount(ZoneLayout zone, long sizeMiB, DiskTemplates templates, Path imageRootfs, DiskTool tool) {
        try {
            Files.createDirectories(zone.diskMount());
            Files.createDirectories(zone.rootfs());
            Path template = templates.template(sizeMiB);
            runAttaching(zone, tool, new DiskTool.Steps().copy(template, zone.diskImage()).attach(zone.diskImage(), zone.diskMount())
                    .overlay(imageRootfs, zone.upper(), zone.work(), zone.rootfs()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Mounts the loop disk and the overlay over {@code imageRootfs}; does nothing for what is already mounted. */
    static void mount(ZoneLayout zone, Path imageRootfs, DiskTool tool) {
        try {
            Files.createDirectories(zone.diskMount());
            Files.createDirectories(zone.rootfs());
            boolean overlayMounted = Mounts.isMountPoint(zone.rootfs());
            if (!Mounts.isMountPoint(zone.diskMount())) {
                runAttaching(zone, tool, new DiskTool.Steps().attach(zone.diskImage(), zone.diskMount()));
            }
            if (!overlayMounted) {
                ZoneSnapshots.finishInterrupted(zone); // a snapshot or rollback a crash cut short, before upper is used
                tool.run(new DiskTool.Steps().overlay(imageRootfs, zone.upper(), zone.work(), zone.rootfs()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Runs {@code steps}, which attach the disk, with the marker standing: it stands while a loop device may be attached
     * to the image but not mounted (an agent killed in between), so that only then all loop devices are searched for one
     * left on this image. One left by an earlier attach cut short is detached first.
     */
    private static void runAttaching(ZoneLayout zone, DiskTool tool, DiskTool.Steps steps) throws IOException {
        Path marker = attaching(zone);
        if (Files.exists(marker)) {
            detachLeftovers(zone);
        }
        Files.writeString(marker, "");
        tool.run(steps);
        Files.delete(marker);
    }

    /** Unmounts the overlay only: the loop disk (with the upper dir and the snapshots) stays mounted. */
    static void unmountOverlay(ZoneLayout zone, DiskTool tool) {
        if (Mounts.isMountPoint(zone.rootfs())) {
            tool.run(new DiskTool.Steps().umount(zone.rootfs()));
        }
    }

    /**
     * Unmounts the overlay and the loop disk, its data written back to the image file, frees the loop device, and waits
     * until the kernel has let go of the disk file (a grow or a move works on it next); safe to call on a half-made zone.
     */
    static void unmount(ZoneLayout zone, DiskTool tool) {
        release(zone, tool, false);
    }

    /**
     * For a disk thrown away (a delete, or a create that failed: a failed zone is only ever deleted): as
     * {@link #unmount}, but the filesystem is shut down first without flushing, so that its unmount writes nothing back
     * through the loop device into the file about to be removed (an ext4 journal commit and the file's fsync: 150-330
     * ms under I/O load). The image is left as after a power cut, which ext4's journal recovers from; the caller marks
     * the zone so that an agent killed after this point finishes the removal on restart. The loop device another
     * namespace's copy of the mount still holds is left to the kernel, which detaches it when that copy goes.
     */
    static void discard(ZoneLayout zone, DiskTool tool) {
        release(zone, tool, true);
    }

    private static void release(ZoneLayout zone, DiskTool tool, boolean discard) {
        DiskTool.Steps steps = new DiskTool.Steps();
        boolean diskMounted = Mounts.isMountPoint(zone.diskMount());
        if (discard && diskMounted) {
            steps.shutdown(zone.diskMount()); // the overlay's unmount then has nothing to write back either
        }
        if (Mounts.isMountPoint(zone.rootfs())) {
            steps.umount(zone.rootfs()); // the overlay first
        }
        Optional<LoopDevice> loop = Optional.empty();
        if (diskMounted) {
            loop = LoopDevice.of(Mounts.deviceOf(zone.diskMount()));
            steps.umount(zone.diskMount());
        }
        // a disk mounted with mount -o loop (before losetup was used) has autoclear: the kernel detaches it
        loop.filter(l -> !l.autoclear()).ifPresent(l -> steps.detach(l.device()));
        tool.run(steps);
        if (!discard) {
            loop.ifPresent(l -> awaitReleased(l, zone.diskImage()));
        }
        if (!diskMounted || Files.exists(attaching(zone))) {
            detachLeftovers(zone);
        }
    }

    /**
     * Waits until the kernel has let go of the disk: a process that copied the host's mount table a moment before (a
     * container's init, an {@code ip netns exec}) keeps the filesystem mounted in its own namespace, and the device
     * attached, until it ends; an e2fsck, a resize or a move of the file must not start before.
     */
    private static void awaitReleased(LoopDevice loop, Path image) {
        long deadline = System.nanoTime() + RELEASE_TIMEOUT.toNanos();
        while (backs(loop.device(), image)) {
            if (System.nanoTime() > deadline) {
                LOG.warn("the disk {} is still held on {} {} s after its unmount; the kernel detaches it when it is let go",
                        image, loop.device(), RELEASE_TIMEOUT.toSeconds());
                return;
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw GantryException.internal("interrupted while unmounting " + image);
            }
        }
    }

    /** Detaches every loop device on the zone's image: the slow search, for what a crash left. */
    private static void detachLeftovers(ZoneLayout zone) {
        if (Files.exists(zone.diskImage())) {
            String attached = Cmd.run("losetup", "-j", zone.diskImage().toString()).stdout();
            for (String line : attached.split("\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && backs(line.substring(0, colon), zone.diskImage())) {
                    Cmd.run("losetup", "-d", line.substring(0, colon)); // still ours: checked just before, by name
                }
            }
        }
        try {
            Files.deleteIfExists(attaching(zone));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether loop device {@code device} (/dev/loopN) is attached to {@code image} now. */
    private static boolean backs(String device, Path image) {
        try {
            Path file = Path.of("/sys/block", Path.of(device).getFileName().toString(), "loop", "backing_file");
            return Files.readString(file).strip().equals(image.toAbsolutePath().normalize().toString());
        } catch (IOException e) {
            return false; // detached meanwhile
        }
    }

    private static Path attaching(ZoneLayout zone) {
        return zone.dir().resolve("disk.attaching");
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
