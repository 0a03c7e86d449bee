package io.gantry.agent.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gantry.agent.host.Cmd;
import io.gantry.common.Image;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Image import with GNU tar; needs no root. */
class ImageStoreTest {
    @TempDir
    Path dir;

    private Path tarball(String name, String content) throws IOException {
        Path tree = Files.createDirectories(dir.resolve("tree-" + name));
        Files.createDirectories(tree.resolve("etc"));
        Files.writeString(tree.resolve("etc/motd"), content);
        Path tar = dir.resolve(name + ".tar.gz");
        Cmd.check("tar", "--sort=name", "--mtime=@0", "--owner=0", "--group=0", "-czf", tar.toString(), "-C", tree.toString(), ".");
        return tar;
    }

    @Test
    void importUnpacksOnceAndIdIsTheTarballsSha256() throws IOException {
        ImageStore store = new ImageStore(dir.resolve("images"));
        Path tar = tarball("one", "hello");
        Image image = store.importTarball(tar, "hello");
        assertThat(image.id()).isEqualTo(Cmd.check("sha256sum", tar.toString()).stdout().substring(0, 64));
        assertThat(store.rootfs(image.id()).resolve("etc/motd")).hasContent("hello");
        assertThat(store.importTarball(tar, "hello")).as("importing again").isEqualTo(image);
        assertThat(store.list()).containsExactly(image);
        assertThat(store.resolve("hello")).isEqualTo(image);
        assertThat(store.resolve(image.id().substring(0, 8))).isEqualTo(image);
    }

    @Test
    void aNameBelongsToOneImage() throws IOException {
        ImageStore store = new ImageStore(dir.resolve("images"));
        store.importTarball(tarball("a", "a"), "base");
        assertThatThrownBy(() -> store.importTarball(tarball("b", "b"), "base")).hasMessageContaining("already exists");
    }

    @Test
    void missingFilesAndUnknownNamesAreClearErrors() {
        ImageStore store = new ImageStore(dir.resolve("images"));
        assertThatThrownBy(() -> store.importTarball(dir.resolve("nope.tar"), "x")).hasMessageContaining("no image file at");
        assertThatThrownBy(() -> store.resolve("debian")).hasMessageContaining("no image named or with id 'debian'");
    }

    @Test
    void busyboxImageIsReproducible() {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(BusyboxImage.DEFAULT_BUSYBOX), "needs busybox-static");
        Path a = BusyboxImage.build(BusyboxImage.DEFAULT_BUSYBOX, dir.resolve("a.tar"));
        Path b = BusyboxImage.build(BusyboxImage.DEFAULT_BUSYBOX, dir.resolve("b.tar"));
        assertThat(ImageStore.sha256(a)).isEqualTo(ImageStore.sha256(b));
        assertThat(Cmd.check("tar", "-tf", a.toString()).stdout()).contains("./bin/sh", "./bin/busybox", "./etc/passwd");
    }
}
