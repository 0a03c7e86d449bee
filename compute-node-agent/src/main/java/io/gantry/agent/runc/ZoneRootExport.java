package io.gantry.agent.runc;

import io.gantry.agent.host.Cmd;
import io.gantry.common.GantryException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a stopped zone's whole root (its image's files with the zone's changes, as the zone sees them through its
 * overlay: files the zone deleted are absent, directories it replaced hold only its own files) to a tar file that
 * {@code ImageStore} imports like any image. Owners are kept as numbers and extended attributes as tar keeps them;
 * the files Gantry bind-mounts into every zone ({@link OciSpec#ZONE_MOUNTED_FILES}) are left out, since a zone made
 * from the image gets its own.
 */
final class ZoneRootExport {
    private static final Duration TIMEOUT = Duration.ofMinutes(30);

    private ZoneRootExport() {
    }

    /** Tars the mounted root {@code rootfs} (the zone is stopped: nothing writes to it) into {@code tarball}. */
    static void write(Path rootfs, Path tarball) {
        List<String> command = new ArrayList<>(List.of("tar", "--create", "--file=" + tarball.toAbsolutePath(),
                "--numeric-owner", "--xattrs", "--xattrs-include=*", "--one-file-system", "--anchored"));
        for (String mounted : OciSpec.ZONE_MOUNTED_FILES) {
            command.add("--exclude=." + mounted);
        }
        command.addAll(List.of("--directory=" + rootfs.toAbsolutePath(), "."));
        Cmd.Result tar = Cmd.run(command, null, TIMEOUT);
        if (!tar.ok()) {
            throw GantryException.internal("cannot write the zone's root to an image file: "
                    + tar.stderr().strip().lines().findFirst().orElse("tar exited " + tar.exitCode()));
        }
    }
}
