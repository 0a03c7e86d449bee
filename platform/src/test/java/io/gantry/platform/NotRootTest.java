package io.gantry.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.gantry.agent.host.Cmd;
import io.gantry.agent.host.HostProbe;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Without root, gantry says what to do instead of failing obscurely. As root this runs gantry as
 * uid 65534 (setpriv) from a world-readable copy of the classpath; as non-root it runs it as is.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NotRootTest {
    private Path copy;
    private String classpath;

    @BeforeAll
    void copyClasspath() throws Exception {
        copy = Files.createTempDirectory("gantry-notroot");
        List<String> entries = new ArrayList<>();
        int i = 0;
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path target = copy.resolve(i++ + "-" + Path.of(entry).getFileName());
            Cmd.check("cp", "-r", entry, target.toString());
            entries.add(target.toString());
        }
        Cmd.check("chmod", "-R", "a+rX", copy.toString());
        classpath = String.join(File.pathSeparator, entries);
    }

    @AfterAll
    void removeCopy() {
        if (copy != null) {
            Cmd.check("rm", "-rf", copy.toString());
        }
    }

    private Cmd.Result gantryAsNonRoot(String... args) {
        List<String> cmd = new ArrayList<>();
        if (HostProbe.isRoot()) {
            cmd.addAll(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"));
        }
        cmd.addAll(List.of(ProcessHandle.current().info().command().orElse("java"), "-cp", classpath, GantryCommand.class.getName()));
        cmd.addAll(List.of(args));
        return Cmd.run(cmd);
    }

    @Test
    void probeNamesWhatIsMissingAndExitsFour() {
        Cmd.Result probe = gantryAsNonRoot("probe");
        assertThat(probe.exitCode()).isEqualTo(ExitCodes.HOST_NOT_READY);
        assertThat(probe.stdout()).containsPattern("root +FAIL +not root +-> run as root").contains("not ready");
    }

    @Test
    void zoneCommandsSayWhatToDoInOneLine() {
        Cmd.Result list = gantryAsNonRoot("--state-dir", copy.resolve("state").toString(), "zone", "list");
        assertThat(list.exitCode()).isEqualTo(ExitCodes.FAILED);
        assertThat(list.stderr().strip())
                .startsWith("gantry: this host cannot run zones yet: real zones need: root (run as root, e.g. with sudo)")
                .endsWith("[ServiceUnavailable]")
                .doesNotContain("Exception")
                .hasLineCount(1);
    }
}
