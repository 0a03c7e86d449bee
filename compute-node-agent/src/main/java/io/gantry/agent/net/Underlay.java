package io.gantry.agent.net;

import io.gantry.common.GantryException;
import io.gantry.common.net.NodeUnderlay;
import java.util.regex.Pattern;

/**
 * Where a node's overlay (VXLAN) and outside traffic goes: {@code ip}, an IPv4 address of the underlay namespace
 * {@code netns} (null: the agent's own namespace, i.e. the host), and the UDP port its VXLAN devices listen on.
 * Several nodes on one host share an address, so each then needs its own port.
 */
public record Underlay(String ip, String netns, int vxlanPort) {
    private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    private static final Pattern NETNS = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
    /** The default: the host's loopback address, enough for a node alone on its host. */
    public static final Underlay LOOPBACK = new Underlay("127.0.0.1", null, NodeUnderlay.VXLAN_PORT);
    private static final int SHARED_PORT_BASE = 4790;
    private static final int SHARED_PORTS = 10_000;

    public Underlay {
        if (ip == null || !IPV4.matcher(ip).matches()) {
            throw GantryException.invalid("the underlay address must be an IPv4 address; got '" + ip + "'");
        }
        if (netns != null && netns.isBlank()) {
            netns = null;
        }
        if (netns != null && !NETNS.matcher(netns).matches()) {
            throw GantryException.invalid("the underlay network namespace must be a name under /run/netns; got '" + netns + "'");
        }
        if (vxlanPort < 1 || vxlanPort > 65535) {
            throw GantryException.invalid("the VXLAN port must be 1-65535; got " + vxlanPort);
        }
    }

    /**
     * The underlay of node {@code node} with {@code vxlanPort}, or, when that is 0, the port a node gets by default:
     * 4789 on a real underlay address; on a loopback address, which only nodes sharing one host use (a developer's
     * machine, tests), one derived from the node's name (4790-14789), so that their VXLAN devices of the same
     * network do not clash on one socket and a restarted node keeps its port.
     */
    public static Underlay of(String ip, String netns, int vxlanPort, String node) {
        if (vxlanPort != 0) {
            return new Underlay(ip, netns, vxlanPort);
        }
        boolean loopback = ip != null && ip.startsWith("127.");
        return new Underlay(ip, netns, loopback ? SHARED_PORT_BASE + Math.floorMod(node.hashCode(), SHARED_PORTS) : NodeUnderlay.VXLAN_PORT);
    }

    /** The default underlay of node {@code node}: the host's loopback address, on the node's own port. */
    public static Underlay loopback(String node) {
        return of(LOOPBACK.ip(), null, 0, node);
    }

    /** As the node advertises it. */
    public NodeUnderlay advertised() {
        return new NodeUnderlay(ip, vxlanPort);
    }
}
