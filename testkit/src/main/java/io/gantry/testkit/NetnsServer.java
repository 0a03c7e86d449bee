package io.gantry.testkit;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A server process in a network namespace ({@code ip netns exec}, which execs the command, so the process is the server
 * itself): stdin /dev/null, output discarded, stopped by its own PID on close.
 */
public final class NetnsServer implements AutoCloseable {
    private final String netns;
    private final Process process;

    private NetnsServer(String netns, Process process) {
        this.netns = netns;
        this.process = process;
    }

    /** Starts {@code command} in {@code netns}; {@code name} says what it is if it cannot start. */
    public static NetnsServer start(String netns, String name, String... command) {
        List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", netns));
        argv.addAll(List.of(command));
        try {
            return new NetnsServer(netns, new ProcessBuilder(argv)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start());
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + name + " in " + netns, e);
        }
    }

    /**
     * Waits until a TCP socket listens on {@code port} in the server's namespace: true then; false once the server has exited or
     * {@code timeout} has passed. Asks the kernel ({@code ss}), not the port, so it works behind a zone's firewall too.
     */
    public boolean awaitListening(int port, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                return false;
            }
            NetnsShell.Result ss = NetnsShell.in(netns, Duration.ofSeconds(5), "ss", "-Hltn", "sport = :" + port);
            if (ss.ok() && !ss.stdout().isBlank()) {
                return true;
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
        return false;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** The exit code; only once the server has exited. */
    public int exitValue() {
        return process.exitValue();
    }

    public long pid() {
        return process.pid();
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(2, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
