package io.gantry.testkit;

import java.time.Duration;

/**
 * Two new network namespaces joined by one veth, {@code eth0} on both sides, each end with its address in a /24 and both
 * {@code eth0} and {@code lo} up: a zone and its peer, for tests of what passes between them. Needs root and {@code ip}.
 */
public final class VethPair {
    private static final Duration STEP_TIMEOUT = NetnsShell.DEFAULT_TIMEOUT;

    private VethPair() {
    }

    /** Adds both namespaces and the veth; throws, saying which step failed, if any does (what it made stays for {@link #delete}). */
    public static void create(String netns, String ip, String peerNetns, String peerIp) {
        step("ip", "netns", "add", netns);
        step("ip", "netns", "add", peerNetns);
        step("ip", "-n", netns, "link", "add", "eth0", "type", "veth", "peer", "name", "eth0", "netns", peerNetns);
        for (String[] side : new String[][] {{netns, ip}, {peerNetns, peerIp}}) {
            step("ip", "-n", side[0], "addr", "add", side[1] + "/24", "dev", "eth0");
            step("ip", "-n", side[0], "link", "set", "eth0", "up");
            step("ip", "-n", side[0], "link", "set", "lo", "up");
        }
    }

    /** Deletes both namespaces (and with them the veth), whichever of them exists. */
    public static void delete(String netns, String peerNetns) {
        NetnsShell.host(STEP_TIMEOUT, "ip", "netns", "del", netns);
        NetnsShell.host(STEP_TIMEOUT, "ip", "netns", "del", peerNetns);
    }

    private static void step(String... command) {
        NetnsShell.host(STEP_TIMEOUT, command).orThrow();
    }
}
