package io.gantry.testkit.docker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** One command on the test's host, its output (stdout and stderr together) and exit status; killed past its time. */
public record HostCommand(int exit, String output) {
    public static HostCommand run(Duration limit, List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            // read aside so a chatty command never blocks on a full pipe
            var out = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    return "";
                }
            });
            if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                return new HostCommand(-1, "timed out after " + limit.toSeconds() + " s: " + String.join(" ", command));
            }
            return new HostCommand(p.exitValue(), out.join());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command.get(0) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + command.get(0));
        }
    }

    public static HostCommand run(String... command) {
        return run(Duration.ofMinutes(5), List.of(command));
    }

    public boolean ok() {
        return exit == 0;
    }

    /** The output, or an IllegalStateException naming the command and its output when it failed. */
    public String check(String what) {
        if (!ok()) {
            throw new IllegalStateException(what + " failed (exit " + exit + "): " + output.strip());
        }
        return output;
    }
}
