package io.gantry.cluster.nemesis;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * One Gantry role as a child JVM ({@code gantry <args>} from the test's classpath), logging to its own file, that a
 * fault can kill with SIGKILL and a heal start again with the same arguments. Started means: its log says {@code ready}
 * once more than before this start.
 */
final class RoleProcess implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private final String name;
    private final Path log;
    private final Map<String, String> env;
    private final List<String> args;
    private final String ready;
    private Process process;

    RoleProcess(String name, Path log, Map<String, String> env, String ready, String... args) {
        this.name = name;
        this.log = log;
        this.env = Map.copyOf(env);
        this.ready = ready;
        this.args = List.of(args);
    }

    String name() {
        return name;
    }

    synchronized boolean alive() {
        return process != null && process.isAlive();
    }

    /** Starts the role unless it runs, and waits until it says it is ready. */
    synchronized void ensureRunning() throws IOException, InterruptedException {
        if (alive()) {
            return;
        }
        int before = readyLines();
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), "io.gantry.platform.GantryCommand"));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().putAll(env);
        process = pb.start();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (readyLines() <= before) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException(name + " did not start (" + (process.isAlive() ? "no '" + ready + "' within "
                        + START_TIMEOUT : "exit " + process.exitValue()) + "); see " + log);
            }
            Thread.sleep(200);
        }
    }

    /** As kill -9: no chance to clean up. */
    synchronized void kill9() throws InterruptedException {
        if (alive()) {
            process.destroyForcibly();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException(name + " (pid " + process.pid() + ") outlived SIGKILL for 30 s");
            }
        }
    }

    private int readyLines() throws IOException {
        if (!Files.exists(log)) {
            return 0;
        }
        return Files.readString(log).split(Pattern.quote(ready), -1).length - 1;
    }

    /** SIGTERM, then SIGKILL after 30 s. */
    @Override
    public synchronized void close() throws InterruptedException {
        if (alive()) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }
}
