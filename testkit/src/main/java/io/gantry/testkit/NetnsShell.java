package io.gantry.testkit;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a command, on the host or inside a named network namespace ({@code ip netns exec}), and waits for it
 * with a deadline. Output goes to temporary files, not pipes, so a command that leaves a daemon behind
 * holding its stdout cannot hang the caller; stdin is /dev/null.
 */
public final class NetnsShell {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    /** What a finished command left: its exit code and output. */
    public record Result(List<String> command, int exitCode, String stdout, String stderr) {
        public boolean ok() {
            return exitCode == 0;
        }

        /** This result when the command succeeded; otherwise one line saying what failed. */
        public Result orThrow() {
            if (!ok()) {
                throw new IllegalStateException("`" + String.join(" ", command) + "` exited " + exitCode + ": "
                        + (stderr.isBlank() ? stdout.strip() : stderr.strip()));
            }
            return this;
        }
    }

    private NetnsShell() {
    }

    /** {@code command} on the host; a command still running at {@code timeout} is killed and fails. */
    public static Result host(Duration timeout, String... command) {
        return run(List.of(command), timeout);
    }

    /** {@code command} inside network namespace {@code netns}. */
    public static Result in(String netns, Duration timeout, String... command) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", netns));
        full.addAll(List.of(command));
        return run(full, timeout);
    }

    private static Result run(List<String> command, Duration timeout) {
        Path out = null;
        Path err = null;
        try {
            out = Files.createTempFile("gantry-netns-out", ".txt");
            err = Files.createTempFile("gantry-netns-err", ".txt");
            Process p = new ProcessBuilder(command)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile())
                    .start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                return new Result(command, -1, Files.readString(out, StandardCharsets.UTF_8),
                        "timed out after " + timeout.toMillis() + " ms");
            }
            return new Result(command, p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("could not run " + String.join(" ", command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + String.join(" ", command), e);
        } finally {
            deleteQuietly(out);
            deleteQuietly(err);
        }
    }

    private static void deleteQuietly(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // a temp file left behind is harmless
            }
        }
    }
}
