package io.gantry.testkit;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A busybox {@code nc} server in a network namespace that answers every TCP connection on a port with
 * one line, {@link #BANNER}, and closes it. A client that reads the line has proven the whole round trip
 * (SYN, SYN-ACK, data both ways), which a firewall test needs. Stopped by its own PID on close.
 */
public final class TcpBannerListener implements AutoCloseable {
    public static final String BANNER = "gantry-lab";
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(5);
    private final String netns;
    private final int port;
    private final Process process;

    private TcpBannerListener(String netns, int port, Process process) {
        this.netns = netns;
        this.port = port;
        this.process = process;
    }

    /** A listener on every address of {@code netns}, port {@code port}, returned once it accepts. */
    public static TcpBannerListener start(String netns, int port) {
        Process p;
        try {
            // `ip netns exec` execs nc, so this Process is nc itself; -ll keeps serving after each client
            p = new ProcessBuilder("ip", "netns", "exec", netns, "/bin/busybox", "nc", "-ll", "-p", Integer.toString(port),
                    "-e", "/bin/busybox", "echo", BANNER)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start nc in " + netns, e);
        }
        TcpBannerListener listener = new TcpBannerListener(netns, port, p);
        try {
            listener.awaitListening();
        } catch (RuntimeException e) {
            listener.close();
            throw e;
        }
        return listener;
    }

    public String netns() {
        return netns;
    }

    public int port() {
        return port;
    }

    public long pid() {
        return process.pid();
    }

    private void awaitListening() {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("nc in " + netns + " on port " + port + " exited " + process.exitValue()
                        + " (port in use, or no such namespace?)");
            }
            // asks the kernel, not the port, so it works behind a zone's firewall too
            NetnsShell.Result ss = NetnsShell.in(netns, Duration.ofSeconds(5), "ss", "-Hltn", "sport = :" + port);
            if (ss.ok() && !ss.stdout().isBlank()) {
                return;
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
        throw new IllegalStateException("nc in " + netns + " was not listening on port " + port + " within " + READY_TIMEOUT);
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
