package io.gantry.agent.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MountsTest {

    @Test
    void onlyThreeOctalDigitsAreAnEscape() {
        assertThat(Mounts.unescape("/mnt/a\\040b\\134c")).isEqualTo("/mnt/a b\\c");
        // found by MountsProperties: a backslash before anything but three octal digits threw NumberFormatException
        // ("\\///"), and "\\+12" or "\\-12" were read as characters 10 and -10
        assertThat(Mounts.unescape("\\///")).isEqualTo("\\///");
        assertThat(Mounts.unescape("\\+12")).isEqualTo("\\+12");
        assertThat(Mounts.unescape("\\-12")).isEqualTo("\\-12");
        assertThat(Mounts.unescape("a\\04")).isEqualTo("a\\04");
    }

    @Test
    void aMountPointIsToldByItsDeviceAsTheMountTableTellsIt(@TempDir Path dir) throws IOException {
        Path plain = Files.createDirectory(dir.resolve("plain"));
        for (Path p : new Path[] {Path.of("/proc"), Path.of("/sys"), plain, dir}) {
            assertThat(Mounts.isMountPoint(p)).as(p.toString()).isEqualTo(Mounts.isMounted(p));
        }
        assertThat(Mounts.isMountPoint(Path.of("/proc"))).isTrue();
        assertThat(Mounts.isMountPoint(plain)).isFalse();
        assertThat(Mounts.isMountPoint(dir.resolve("missing"))).isFalse();
    }
}
