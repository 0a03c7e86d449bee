package io.gantry.bench.liveness;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The bench's roles as child JVMs on its own class path, each logging to {@code <dir>/<name>.log}; closing ends those alive. */
final class ChildProcesses implements AutoCloseable {
    private final Path dir;
    private final List<Process> started = new ArrayList<>();
    private final Map<String, Process> byName = new java.util.HashMap<>();

    ChildProcesses(Path dir) {
        this.dir = dir;
    }

    /** Starts {@code mainClass} and waits until its log says {@code ready}. */
    Process start(String name, Map<String, String> env, String ready, String mainClass, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), mainClass));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log(name).toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        started.add(p);
        byName.put(name, p);
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (!log(name).toFile().exists() || !Files.readString(log(name)).contains(ready)) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException(name + " did not start (see " + log(name) + ")");
            }
            Thread.sleep(50);
        }
        return p;
    }

    long pid(String name) {
        return byName.get(name).pid();
    }

    Path log(String name) {
        return dir.resolve(name + ".log");
    }

    /** How many times {@code text} occurs in the log of {@code name}. */
    int count(String name, String text) throws Exception {
        return Files.readString(log(name)).split(java.util.regex.Pattern.quote(text), -1).length - 1;
    }

    static void kill9(Process p) throws InterruptedException {
        p.destroyForcibly();
        p.waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        for (Process p : started) {
            p.destroyForcibly();
        }
        for (Process p : started) {
            p.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
