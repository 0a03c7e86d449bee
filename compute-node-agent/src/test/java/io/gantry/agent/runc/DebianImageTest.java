package io.gantry.agent.runc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.gantry.common.Image;
import io.gantry.common.Package;
import io.gantry.common.Zone;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * scripts/build-debian-image.sh builds a Debian minbase image that runs as a zone. It downloads
 * about 40 MiB of Debian packages, so it runs only with GANTRY_TEST_DEBIAN=1 (as .ci/run sets).
 */
class DebianImageTest extends RealZonesTest {

    @Test
    void debootstrappedImageRunsAsAZone() throws Exception {
        assumeTrue("1".equals(System.getenv("GANTRY_TEST_DEBIAN")), "Debian image test skipped: set GANTRY_TEST_DEBIAN=1 to run it");
        Path script = Path.of("..", "scripts", "build-debian-image.sh").toAbsolutePath().normalize();
        Path tarball = Files.createTempDirectory("gantry-debian").resolve("debian-12.tar.zst");
        Process build = new ProcessBuilder("bash", script.toString(), tarball.toString())
                .redirectErrorStream(true)
                .redirectOutput(tarball.resolveSibling("build.log").toFile())
                .start();
        assertThat(build.waitFor(10, TimeUnit.MINUTES)).isTrue();
        assertThat(build.exitValue()).as(Files.readString(tarball.resolveSibling("build.log"))).isZero();
        try {
            Image debian = backend.images().importTarball(tarball, "debian-12");
            String saved = imageId;
            imageId = debian.id();
            Zone zone = create("acme", "deb1", Package.custom(256, 100, 256, 1024));
            imageId = saved;
            assertThat(sh(zone, "cat /etc/debian_version").stdout()).startsWith("12.");
            assertThat(sh(zone, "apt-get --version").stdout()).contains("apt");
            assertThat(sh(zone, "hostname").stdout().strip()).isEqualTo("deb1");
            backend.delete(zone.uuid());
        } finally {
            Files.deleteIfExists(tarball);
            Files.deleteIfExists(tarball.resolveSibling("build.log"));
            Files.deleteIfExists(tarball.getParent());
        }
    }
}
