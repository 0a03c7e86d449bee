package io.gantry.testkit.docker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A Debian 12 image made with {@code debootstrap --variant=minbase} from the host's own Debian mirror and
 * imported into Docker, since no image can be pulled. Built once per engine and found by its tag afterwards:
 * change the tag when what goes into it changes.
 */
public final class DebianBase {
    private static final String SUITE = "bookworm";

    private DebianBase() {
    }

    /** The tag, after building the image (with these extra packages and this CMD) if the engine lacks it. */
    public static String ensure(LocalDocker docker, String tag, List<String> include, String cmd) {
        if (docker.docker("image", "inspect", tag).ok()) {
            return tag;
        }
        Path rootfs;
        try {
            rootfs = Files.createTempDirectory(Path.of("/var/tmp"), "gantry-debian-rootfs");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            List<String> debootstrap = new ArrayList<>(List.of("debootstrap", "--variant=minbase"));
            if (!include.isEmpty()) {
                debootstrap.add("--include=" + String.join(",", include));
            }
            debootstrap.addAll(List.of(SUITE, rootfs.toString(), DebianMirror.url()));
            HostCommand.run(Duration.ofMinutes(10), debootstrap).check("debootstrap " + SUITE);
            // no apt lists, cached packages or documentation: a smaller image, and apt still works
            HostCommand.run(Duration.ofMinutes(5), List.of("sh", "-c", "tar -C '" + rootfs + "' -c --exclude='./var/cache/apt/archives/*.deb'"
                    + " --exclude='./var/lib/apt/lists/*' --exclude='./usr/share/doc/*' --exclude='./usr/share/man/*'"
                    + " --exclude='./usr/share/locale/*' . | " + String.join(" ", docker.client())
                    + " import -c 'CMD [\"" + cmd + "\"]' - " + tag)).check("docker import");
            return tag;
        } finally {
            HostCommand.run("rm", "-rf", "--one-file-system", rootfs.toString());
        }
    }
}
