package io.gantry.testkit;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Stopping and continuing one process by its pid, as an operator's {@code kill -STOP} / {@code kill -CONT} (Java has
 * no API for either). Each goes through {@code sh}'s built-in {@code kill}, so a pause of {@link #pause} is the shell's
 * {@code sleep} between the two signals, not this JVM's scheduling.
 */
public final class ProcessSignals {
    private ProcessSignals() {
    }

    /** SIGSTOP: the process freezes (its sockets stay open; nothing it would send is sent). */
    public static void stop(long pid) {
        sh("kill -STOP " + pid);
    }

    /** SIGCONT. */
    public static void resume(long pid) {
        sh("kill -CONT " + pid);
    }

    /** SIGSTOP, {@code length} later SIGCONT, as a stop-the-world pause; returns once the process runs again. */
    public static void pause(long pid, Duration length) {
        sh("kill -STOP " + pid + " && sleep " + length.toMillis() / 1000.0 + " && kill -CONT " + pid);
    }

    private static void sh(String script) {
        try {
            Process p = new ProcessBuilder("sh", "-c", script).redirectErrorStream(true).start();
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException("'" + script + "' failed: " + new String(p.getInputStream().readAllBytes()));
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run '" + script + "': " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running '" + script + "'", e);
        }
    }
}
