package io.gantry.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Gantry roles run as child JVMs of a test (`gantry cloudapi`, `gantry agent --zk`, ...), each
 * logging to its own file; closing stops those still alive (SIGTERM, then SIGKILL).
 */
final class ChildRoles implements AutoCloseable {
    private final List<Process> processes = new ArrayList<>();

    Process start(Path log, Map<String, String> env, String... args) throws Exception {
        return start(log, env, "io.gantry.platform.GantryCommand", args);
    }

    /** Another main class of the test's class path as a child (e.g. {@link SimulatedAgent}). */
    Process startMain(Path log, String mainClass, String... args) throws Exception {
        return start(log, Map.of(), mainClass, args);
    }

    private Process start(Path log, Map<String, String> env, String mainClass, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), mainClass));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().putAll(env);
        Process p = pb.start();
        processes.add(p);
        return p;
    }

    /** Waits until the log holds {@code text} {@code times} times (a restarted role logs it again). */
    static void awaitLine(Process p, Path log, String text, int times) {
        Poll.until(Duration.ofSeconds(90), () -> {
            assertThat(p.isAlive()).as("process ended early:\n" + Files.readString(log)).isTrue();
            String all = Files.readString(log);
            assertThat(all.split(java.util.regex.Pattern.quote(text), -1).length - 1).as(log + " says '" + text + "'").isGreaterThanOrEqualTo(times);
        });
    }

    static void awaitLine(Process p, Path log, String text) {
        awaitLine(p, log, text, 1);
    }

    /** As kill -9: the process gets no chance to clean up. */
    static void kill9(Process p) throws InterruptedException {
        p.destroyForcibly();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("killed process ended").isTrue();
    }

    /** Runs the gantry command in this JVM and returns what it printed. */
    static String inProcess(String... args) {
        PrintStream old = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            GantryCommand.run(args);
        } finally {
            System.setOut(old);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws InterruptedException {
        for (Process p : processes) {
            p.destroy();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
            }
        }
    }
}
