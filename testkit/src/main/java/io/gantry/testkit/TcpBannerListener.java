package io.gantry.testkit;

import java.time.Duration;

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
    private final NetnsServer server;

    private TcpBannerListener(String netns, int port, NetnsServer server) {
        this.netns = netns;
        this.port = port;
        this.server = server;
    }

    /** A listener on every address of {@code netns}, port {@code port}, returned once it accepts. */
    public static TcpBannerListener start(String netns, int port) {
        // -ll keeps serving after each client
        NetnsServer server = NetnsServer.start(netns, "nc", "/bin/busybox", "nc", "-ll", "-p", Integer.toString(port),
                "-e", "/bin/busybox", "echo", BANNER);
        TcpBannerListener listener = new TcpBannerListener(netns, port, server);
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
        return server.pid();
    }

    private void awaitListening() {
        if (server.awaitListening(port, READY_TIMEOUT)) {
            return;
        }
        if (!server.isAlive()) {
            throw new IllegalStateException("nc in " + netns + " on port " + port + " exited " + server.exitValue()
                    + " (port in use, or no such namespace?)");
        }
        throw new IllegalStateException("nc in " + netns + " was not listening on port " + port + " within " + READY_TIMEOUT);
    }

    @Override
    public void close() {
        server.close();
    }
}
