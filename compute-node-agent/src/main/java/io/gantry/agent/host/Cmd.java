package io.gantry.agent.host;

import io.gantry.common.GantryException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs host commands (ip, nft, mount, runc…). Output always goes to files, never to pipes: runc and
 * the zones it starts keep inherited pipes open forever, and a reader waiting for EOF would hang.
 */
public final class Cmd {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    private Cmd() {
    }

    public record Result(List<String> command, int exitCode, String stdout, String stderr) {
        public boolean ok() {
            return exitCode == 0;
        }

        public Result orThrow() {
            if (!ok()) {
                throw GantryException.internal("'" + String.join(" ", command) + "' failed (exit " + exitCode + "): "
                        + (stderr.isBlank() ? stdout.strip() : stderr.strip()));
            }
            return this;
        }
    }

    /** Runs and returns the result whatever the exit code. */
    public static Result run(List<String> command) {
        return run(command, null, DEFAULT_TIMEOUT);
    }

    public static Result run(String... command) {
        return run(List.of(command));
    }

    /** Runs and throws {@link GantryException} with the command's own error text if it fails. */
    public static Result check(String... command) {
        return run(List.of(command)).orThrow();
    }

    /** Runs with {@code stdin} as standard input (null for none). A command past its timeout is killed. */
    public static Result run(List<String> command, String stdin, Duration timeout) {
        Path out = null;
        Path err = null;
        Path in = null;
        try {
            out = Files.createTempFile("gantry-cmd", ".out");
            err = Files.createTempFile("gantry-cmd", ".err");
            ProcessBuilder pb = new ProcessBuilder(command)
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile());
            if (stdin != null) {
                in = Files.createTempFile("gantry-cmd", ".in");
                Files.writeString(in, stdin);
                pb.redirectInput(in.toFile());
            } else {
                pb.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
            }
            long traceStart = System.nanoTime();
            Process p = pb.start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                throw GantryException.internal("'" + String.join(" ", command) + "' did not finish within " + timeout.toSeconds() + " s");
            }
            Trace.cmd(command, System.nanoTime() - traceStart);
            return new Result(command, p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw GantryException.internal("cannot run '" + command.get(0) + "': " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw GantryException.internal("interrupted while running '" + String.join(" ", command) + "'");
        } finally {
            deleteQuietly(out);
            deleteQuietly(err);
            deleteQuietly(in);
        }
    }

    /** Whether an executable of that name is on the PATH. */
    public static boolean onPath(String name) {
        String path = System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
        for (String dir : (path + ":/usr/sbin:/sbin").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name))) {
                return true;
            }
        }
        return false;
    }

    private static void deleteQuietly(Path p) {
        if (p != null) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
