package io.gantry.agent.runc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The zones' process 1 run directly (outside a PID namespace it is the subreaper of what it starts, which is how it
 * meets orphans here); {@code ZoneLifecycleTest} checks it as a zone's process 1.
 */
class ZoneInitTest {
    @TempDir
    Path dir;
    private Path init;
    private Process running;

    @BeforeEach
    void install() {
        init = ZoneInit.install(dir);
    }

    @AfterEach
    void stop() {
        if (running != null) {
            running.descendants().forEach(ProcessHandle::destroyForcibly);
            running.destroyForcibly();
        }
    }

    private Process start(String... command) throws IOException {
        List<String> argv = Stream.concat(Stream.of(init.toString(), "--"), Stream.of(command)).toList();
        running = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(dir.resolve("out").toFile()).start();
        return running;
    }

    private String output() throws IOException {
        return Files.readString(dir.resolve("out"));
    }

    private static int exitOf(Process p) throws InterruptedException {
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).as("exited").isTrue();
        return p.exitValue();
    }

    @Test
    void exitsWithTheCommandsStatus() throws Exception {
        assertThat(exitOf(start("sh", "-c", "exit 7"))).isEqualTo(7);
        assertThat(exitOf(start("sh", "-c", "kill -KILL $$"))).as("128 + SIGKILL").isEqualTo(137);
        Process missing = start("/no/such/command");
        assertThat(exitOf(missing)).isEqualTo(127);
        assertThat(output()).contains("zone-init: /no/such/command");
        Path notExecutable = Files.writeString(dir.resolve("plain"), "data");
        assertThat(exitOf(start(notExecutable.toString()))).isEqualTo(126);
    }

    @Test
    void passesSignalsToTheCommand() throws Exception {
        Path ready = dir.resolve("ready");
        Process p = start("sh", "-c", "trap 'kill $!; exit 3' TERM; trap 'echo hup' HUP; touch " + ready
                + "; while :; do sleep 3600 & wait $!; done");
        await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(ready));
        new ProcessBuilder("kill", "-HUP", Long.toString(p.pid())).start().waitFor();
        assertThat(p.isAlive()).as("HUP was handled by the command, not taken by the init").isTrue();
        p.destroy(); // SIGTERM to the init
        assertThat(exitOf(p)).as("the command's TERM trap").isEqualTo(3);
        assertThat(output()).contains("hup");
    }

    @Test
    void reapsOrphansAndSleepsUntilASignalComes() throws Exception {
        Path ready = dir.resolve("ready");
        // the subshell's sleep is orphaned as the subshell ends, before the file is made: a child of the init that it
        // never started, which ends 2 s later
        Process p = start("sh", "-c", "(sleep 2 &); touch " + ready + "; exec sleep 3600");
        await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(ready));
        assertThat(ProcessFiles.children(p.pid())).as("the command and the orphan").hasSize(2);
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
                .until(() -> ProcessFiles.children(p.pid()).size() == 1 && zombies(p.pid()) == 0);

        long before = ProcessFiles.contextSwitches(p.pid());
        Thread.sleep(3_000);
        assertThat(ProcessFiles.contextSwitches(p.pid())).as("no wake-up in 3 s of nothing to do (tini wakes every second)")
                .isEqualTo(before);
        assertThat(p.isAlive()).isTrue();
    }

    private static long zombies(long pid) throws IOException {
        long n = 0;
        for (String child : ProcessFiles.children(pid)) {
            String stat = Files.readString(Path.of("/proc", child, "stat"));
            if (stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z")) {
                n++;
            }
        }
        return n;
    }
}
