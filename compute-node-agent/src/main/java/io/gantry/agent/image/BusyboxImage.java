package io.gantry.agent.image;

import io.gantry.agent.host.Cmd;
import io.gantry.common.GantryException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Builds the tiny default image from Debian's busybox-static: one static binary, its applets as
 * symlinks, and the few files a shell expects. The tarball is reproducible (fixed owner, order
 * and times), so the same busybox gives the same image id on every node.
 */
public final class BusyboxImage {
    public static final String NAME = "busybox";
    public static final Path DEFAULT_BUSYBOX = Path.of("/bin/busybox");

    private BusyboxImage() {
    }

    public static Path build(Path busybox, Path tarball) {
        if (!Files.isExecutable(busybox)) {
            throw GantryException.invalid(busybox + " is missing: install Debian's busybox-static (apt-get install busybox-static)");
        }
        Path tree = null;
        try {
            tree = Files.createTempDirectory("gantry-busybox");
            for (String dir : List.of("bin", "sbin", "usr/bin", "usr/sbin", "etc", "proc", "sys", "dev", "tmp", "root", "var/tmp", "run")) {
                Files.createDirectories(tree.resolve(dir));
            }
            Files.copy(busybox, tree.resolve("bin/busybox"));
            tree.resolve("bin/busybox").toFile().setExecutable(true, false);
            for (String applet : Cmd.check(busybox.toString(), "--list").stdout().split("\n")) {
                Path link = tree.resolve("bin").resolve(applet.strip());
                if (!applet.isBlank() && !Files.exists(link)) {
                    Files.createSymbolicLink(link, Path.of("busybox"));
                }
            }
            Files.writeString(tree.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n");
            Files.writeString(tree.resolve("etc/group"), "root:x:0:\ntty:x:5:\nnogroup:x:65534:\n");
            Files.writeString(tree.resolve("etc/os-release"), "NAME=\"Gantry busybox\"\nID=busybox\n");
            Cmd.check("chmod", "1777", tree.resolve("tmp").toString(), tree.resolve("var/tmp").toString());
            Files.createDirectories(tarball.toAbsolutePath().getParent());
            Cmd.check("tar", "--sort=name", "--mtime=@0", "--owner=0", "--group=0", "--numeric-owner",
                    "-C", tree.toString(), "-cf", tarball.toAbsolutePath().toString(), ".");
            return tarball;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (tree != null) {
                ImageStore.deleteTree(tree);
            }
        }
    }
}
