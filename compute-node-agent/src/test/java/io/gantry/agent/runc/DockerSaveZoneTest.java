package io.gantry.agent.runc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.gantry.agent.host.Cmd;
import io.gantry.agent.image.BusyboxImage;
import io.gantry.agent.image.ImageArchive;
import io.gantry.common.Image;
import io.gantry.common.Zone;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A real {@code docker save}: an image built locally FROM scratch (the busybox root, then RUN steps
 * that delete files and make others) by a dockerd the test starts and stops, imported and booted.
 */
class DockerSaveZoneTest extends RealZonesTest {

    @Test
    void aDockerSavedMultiLayerImageBootsWithItsDeletionsApplied() throws Exception {
        OwnDockerd.unavailable().ifPresent(why -> assumeTrue(false, why));
        Path work = Files.createTempDirectory("gantry-docker-save");
        String tag = "gantry-oci-test-" + ProcessHandle.current().pid() + ":1";
        try {
            Path context = Files.createDirectory(work.resolve("context"));
            BusyboxImage.build(BusyboxImage.DEFAULT_BUSYBOX, context.resolve("busybox.tar"));
            Files.writeString(context.resolve("Dockerfile"), String.join("\n",
                    "FROM scratch",
                    "ADD busybox.tar /",
                    "RUN rm /etc/os-release && echo made > /etc/made && mkdir /data && echo x > /data/x && echo y > /data/y",
                    "RUN rm /data/x && echo second > /data/second",
                    ""));
            Path saved = work.resolve("image.tar");
            try (OwnDockerd docker = OwnDockerd.start()) {
                docker.check(Duration.ofMinutes(5), "build", "--network", "none", "-t", tag, context.toString());
                docker.check(Duration.ofMinutes(2), "save", "-o", saved.toString(), tag);
                docker.check(Duration.ofMinutes(1), "rmi", tag);
                assertThat(docker.check(Duration.ofMinutes(1), "images", "-q").strip()).as("the built images are removed").isEmpty();
            }

            ImageArchive archive = ImageArchive.inspect(saved);
            assertThat(archive.format()).isEqualTo(ImageArchive.Format.DOCKER_ARCHIVE);
            assertThat(archive.layers()).hasSize(3);
            List<String> progress = new ArrayList<>();
            Image image = backend.images().importTarball(saved, "docker-built", progress::add);
            assertThat(image.os() + "/" + image.architecture()).isEqualTo("linux/amd64");
            assertThat(progress).anyMatch(line -> line.startsWith("layer 3/3 sha256:"));

            String saved0 = imageId;
            imageId = image.id();
            Zone zone;
            try {
                zone = create("acme", "docked");
            } finally {
                imageId = saved0;
            }
            try {
                assertThat(sh(zone, "ls -A /data").stdout().split("\\s+")).as("deleted by the last RUN")
                        .containsExactlyInAnyOrder("second", "y");
                assertThat(sh(zone, "cat /etc/made").stdout()).isEqualTo("made\n");
                assertThat(sh(zone, "test -e /etc/os-release && echo there || echo gone").stdout().strip()).isEqualTo("gone");
            } finally {
                backend.delete(zone.uuid());
            }
        } finally {
            Cmd.check("rm", "-rf", "--one-file-system", work.toString());
        }
    }
}
