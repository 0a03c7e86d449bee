package io.gantry.testkit;

import java.time.Duration;

/** Probes from inside a network namespace (any named one: a lab's, a zone's), each answered within about a second. */
public final class NetProbe {
    static final Duration PROBE_TIMEOUT = Duration.ofSeconds(5);

    private NetProbe() {
    }

    /** One echo request from {@code netns} to {@code ip}, answered within a second. */
    public static boolean ping(String netns, String ip) {
        return NetnsShell.in(netns, PROBE_TIMEOUT, "/bin/busybox", "ping", "-c", "1", "-W", "1", ip).ok();
    }

    /**
     * Whether a TCP connection from {@code fromNetns} to {@code ip:port} gets a {@link TcpBannerListener}'s banner
     * back within about a second: false for a refused, dropped or silent connection.
     */
    public static boolean tcpReachable(String fromNetns, String ip, int port) {
        NetnsShell.Result r = NetnsShell.in(fromNetns, PROBE_TIMEOUT, "/bin/busybox", "nc", "-w", "1", ip, Integer.toString(port));
        return r.stdout().contains(TcpBannerListener.BANNER);
    }
}
