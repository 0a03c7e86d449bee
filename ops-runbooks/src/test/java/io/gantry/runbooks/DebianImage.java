package io.gantry.runbooks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The debian stage's image: Debian 12 (minbase, plus systemd as init) made with debootstrap from the host's
 * own Debian mirror and imported into Docker, since no image can be pulled. Built once and found by its tag
 * afterwards; change {@link #TAG} when what goes into it changes.
 */
final class DebianImage {
    static final String TAG = "gantry-runbooks/debian12-systemd:1";
    private static final String SUITE = "bookworm";

    private DebianImage() {
    }

    /** The tag, after building the image if this engine does not have it yet. */
    static String ensure(LocalDocker docker) {
        if (docker.docker("image", "inspect", TAG).ok()) {
            return TAG;
        }
        Path rootfs;
        try {
            rootfs = Files.createTempDirectory(Path.of("/var/tmp"), "gantry-runbooks-rootfs");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            HostCommand.run(Duration.ofMinutes(10), List.of("debootstrap", "--variant=minbase", "--include=systemd,systemd-sysv,dbus",
                    SUITE, rootfs.toString(), DebianMirror.url())).check("debootstrap " + SUITE);
            // no apt lists, cached packages or documentation: a smaller image, and apt still works
            HostCommand.run(Duration.ofMinutes(5), List.of("sh", "-c", "tar -C '" + rootfs + "' -c --exclude='./var/cache/apt/archives/*.deb'"
                    + " --exclude='./var/lib/apt/lists/*' --exclude='./usr/share/doc/*' --exclude='./usr/share/man/*'"
                    + " --exclude='./usr/share/locale/*' . | " + String.join(" ", docker.client())
                    + " import -c 'CMD [\"/sbin/init\"]' - " + TAG)).check("docker import");
            return TAG;
        } finally {
            HostCommand.run("rm", "-rf", "--one-file-system", rootfs.toString());
        }
    }
}
