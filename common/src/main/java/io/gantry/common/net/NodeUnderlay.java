package io.gantry.common.net;

/**
 * Where a node's overlay traffic goes: the node's underlay IPv4 address and the UDP port its VXLAN devices listen on
 * (4789 unless several nodes share one underlay address, as on a developer's machine). Part of the node's advert.
 */
public record NodeUnderlay(String ip, int vxlanPort) {
    public static final int VXLAN_PORT = 4789;
}
