package io.gantry.testkit.docker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The host's loop devices attached to files under a directory: zones' disks that a container running Gantry left. Loop
 * devices belong to the kernel, not the container, so a node killed or a container removed with zones' disks attached
 * leaves them (a real host's reboot would free them), and a restarted agent attaches new ones and may remove the old
 * files. So the files' inodes are taken before a kill or a removal and again right after it (the files stay until
 * the directory is removed), and the devices matching them detached: no one else's device is touched.
 */
public final class LoopDevices {
    private LoopDevices() {
    }

    /** The inodes of the regular files under {@code dir} (none if it is gone). */
    public static Set<String> inodesUnder(Path dir) {
        Set<String> inodes = new HashSet<>();
        if (!Files.isDirectory(dir)) {
            return inodes;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.filter(Files::isRegularFile).forEach(f -> {
                try {
                    inodes.add(String.valueOf(Files.getAttribute(f, "unix:ino")));
                } catch (IOException e) {
                    // removed meanwhile
                }
            });
        } catch (IOException | UncheckedIOException e) {
            // the walk met a file removed meanwhile: what was read is enough
        }
        return inodes;
    }

    /** Detaches every loop device whose backing file has one of {@code inodes}. */
    public static void detachAttachedTo(Set<String> inodes) {
        if (inodes.isEmpty()) {
            return;
        }
        HostCommand loops = HostCommand.run("losetup", "--list", "--noheadings", "--raw", "--output", "NAME,BACK-INO");
        for (String line : loops.output().split("\n")) {
            String[] device = line.trim().split("\\s+");
            if (device.length == 2 && inodes.contains(device[1])) {
                HostCommand.run("losetup", "--detach", device[0]);
            }
        }
    }
}
