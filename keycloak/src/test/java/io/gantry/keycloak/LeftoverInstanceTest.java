package io.gantry.keycloak;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Stand-ins for Keycloak (a script at the home's bin/kc.sh that sleeps), so no server is needed. */
class LeftoverInstanceTest {
    @TempDir
    Path dir;
    Path home;
    final List<ProcessHandle> started = new ArrayList<>();

    @BeforeEach
    void script() throws IOException {
        home = dir.resolve("home");
        Files.createDirectories(home.resolve("bin"));
        Files.writeString(home.resolve("bin/kc.sh"), "sleep 600\n");
    }

    @AfterEach
    void cleanUp() {
        started.forEach(p -> ProcessTree.terminate(p, Duration.ofSeconds(5)));
    }

    @Test
    void aKeycloakAKilledLauncherLeftIsStopped() throws Exception {
        // the outer shell exits at once: the script is orphaned, as after a kill -9 of the JVM that ran it
        new ProcessBuilder("sh", "-c", "sh '" + home.resolve("bin/kc.sh") + "' >/dev/null 2>&1 &").start().waitFor();
        ProcessHandle orphan = await().atMost(Duration.ofSeconds(10)).until(this::scriptProcess, Optional::isPresent).orElseThrow();
        started.add(orphan);
        List<ProcessHandle> tree = new ArrayList<>(orphan.descendants().toList());
        tree.add(orphan);

        List<String> progress = new ArrayList<>();
        LeftoverInstance.stopIn(home, progress::add);

        assertThat(tree).noneMatch(ProcessHandle::isAlive);
        assertThat(progress).singleElement().asString().contains("pid " + orphan.pid()).contains("left running");
    }

    @Test
    void aKeycloakOfARunningLauncherIsRefusedNotStopped() throws Exception {
        Process owned = new ProcessBuilder("sh", home.resolve("bin/kc.sh").toString()).start();
        started.add(owned.toHandle());
        await().atMost(Duration.ofSeconds(10)).until(this::scriptProcess, Optional::isPresent);

        assertThatThrownBy(() -> LeftoverInstance.stopIn(home, line -> { }))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("belongs to a running process (pid " + ProcessHandle.current().pid() + ")");
        assertThat(owned.isAlive()).isTrue();
    }

    @Test
    void nothingRunningIsNothingToDo() throws Exception {
        List<String> progress = new ArrayList<>();
        LeftoverInstance.stopIn(home, progress::add);
        assertThat(progress).isEmpty();
    }

    private Optional<ProcessHandle> scriptProcess() {
        String marker = home.toAbsolutePath() + "/bin/";
        return ProcessHandle.allProcesses().filter(p -> p.info().commandLine().map(c -> c.contains(marker)).orElse(false)).findFirst();
    }
}
