package io.gantry.agent.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TreesTest {
    @Test
    void removesTheTreeButNotWhatItsLinksPointAt(@TempDir Path dir) throws IOException {
        Path outside = Files.writeString(dir.resolve("outside.txt"), "keep");
        Path keptDir = Files.createDirectories(dir.resolve("kept"));
        Files.writeString(keptDir.resolve("inner"), "keep too");
        Path tree = Files.createDirectories(dir.resolve("tree/a/b"));
        Files.writeString(tree.resolve("f"), "x");
        Files.createSymbolicLink(dir.resolve("tree/a/to-file"), outside);
        Files.createSymbolicLink(dir.resolve("tree/a/to-dir"), keptDir);
        Files.createSymbolicLink(dir.resolve("tree/dangling"), dir.resolve("nothing"));

        Trees.deleteOnOneFilesystem(dir.resolve("tree"));

        assertThat(dir.resolve("tree")).doesNotExist();
        assertThat(outside).hasContent("keep");
        assertThat(keptDir.resolve("inner")).hasContent("keep too");
        Trees.deleteOnOneFilesystem(dir.resolve("tree")); // gone already: nothing to do
    }

    @Test
    void doesNotEnterAMountInTheTree(@TempDir Path dir) throws IOException {
        assumeTrue(Cmd.onPath("mount") && "0".equals(Cmd.run("id", "-u").stdout().strip()), "needs root to mount a tmpfs");
        Path mount = Files.createDirectories(dir.resolve("tree/mnt"));
        Cmd.check("mount", "-t", "tmpfs", "tmpfs", mount.toString());
        try {
            Files.writeString(mount.resolve("on-the-mount"), "keep");
            assertThatThrownBy(() -> Trees.deleteOnOneFilesystem(dir.resolve("tree"))).hasMessageContaining("is a mount point");
            assertThat(mount.resolve("on-the-mount")).hasContent("keep");
        } finally {
            Cmd.run("umount", mount.toString());
        }
        Trees.deleteOnOneFilesystem(dir.resolve("tree"));
        assertThat(dir.resolve("tree")).doesNotExist();
    }
}
