package io.gantry.agent.runc;

import static org.assertj.core.api.Assertions.assertThat;

import io.gantry.agent.ExecResult;
import io.gantry.agent.image.BusyboxImage;
import io.gantry.agent.image.TestImage;
import io.gantry.agent.image.TestTarball;
import io.gantry.common.Image;
import io.gantry.common.Zone;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Layered images assembled in Java (no docker) boot as real zones, and inside the zone the layers
 * show as applied: whited-out files gone, an opaque directory holding only its upper layer's files.
 */
class LayeredImageZoneTest extends RealZonesTest {

    /** The busybox root, then three layers: a file added then whited out, an opaque directory, a link, hard links. */
    private static TestImage layers(Path work, TestImage.Packing packing) throws IOException {
        byte[] busybox = Files.readAllBytes(BusyboxImage.build(BusyboxImage.DEFAULT_BUSYBOX, work.resolve("busybox.tar")));
        return new TestImage()
                .layer(busybox, packing)
                .layer(new TestTarball().dir("data").file("data/gone.txt", "lower\n", 0644).file("data/kept.txt", "kept\n", 0644)
                        .dir("etc/app").file("etc/app/old.conf", "old\n", 0644).dir("etc/app/sub").file("etc/app/sub/deep", "x", 0644)
                        .file("etc/.wh.os-release", "", 0644), packing)
                .layer(new TestTarball().dir("data").file("data/added.txt", "added\n", 0644).file("data/.wh.gone.txt", "", 0644)
                        .symlink("etc/app-link", "/etc/app"), packing)
                .layer(new TestTarball().dir("data").file("data/.wh.added.txt", "", 0644)
                        .dir("etc/app").file("etc/app/.wh..wh..opq", "", 0644).file("etc/app/new.conf", "new\n", 0644)
                        .hardlink("etc/app/new.hard", "etc/app/new.conf"), packing);
    }

    private void bootsWithLayersApplied(Path file, String name) {
        Image image = backend.images().importTarball(file, name);
        assertThat(image.os()).isEqualTo("linux");
        String saved = imageId;
        imageId = image.id();
        Zone zone;
        try {
            zone = create("acme", name);
        } finally {
            imageId = saved;
        }
        try {
            assertThat(sh(zone, "ls -A /data").stdout().strip()).as("whited-out files are gone").isEqualTo("kept.txt");
            assertThat(sh(zone, "ls -A /etc/app").stdout().split("\\s+")).as("the opaque directory has only the upper layer's files")
                    .containsExactlyInAnyOrder("new.conf", "new.hard");
            assertThat(sh(zone, "cat /etc/app-link/new.conf").stdout()).isEqualTo("new\n");
            ExecResult inodes = sh(zone, "stat -c %i /etc/app/new.conf /etc/app/new.hard");
            assertThat(inodes.stdout().lines().distinct().count()).as("a hard link: %s", inodes.stdout()).isEqualTo(1);
            assertThat(sh(zone, "test -e /etc/os-release && echo there || echo gone").stdout().strip()).isEqualTo("gone");
            assertThat(sh(zone, "find / -xdev -name '.wh.*' | wc -l").stdout().strip()).as("no whiteout files").isEqualTo("0");
        } finally {
            backend.delete(zone.uuid());
        }
    }

    @Test
    void anOciLayoutBootsWithItsLayersApplied() throws IOException {
        Path work = Files.createTempDirectory("gantry-oci-zone");
        try {
            bootsWithLayersApplied(layers(work, TestImage.Packing.GZIP).writeOci(work.resolve("image.tar")), "oci1");
        } finally {
            io.gantry.agent.host.Cmd.check("rm", "-rf", work.toString());
        }
    }

    @Test
    void aDockerSaveArchiveBootsWithItsLayersApplied() throws IOException {
        Path work = Files.createTempDirectory("gantry-docker-zone");
        try {
            bootsWithLayersApplied(layers(work, TestImage.Packing.PLAIN).writeDockerSave(work.resolve("image.tar")), "dock1");
        } finally {
            io.gantry.agent.host.Cmd.check("rm", "-rf", work.toString());
        }
    }
}
