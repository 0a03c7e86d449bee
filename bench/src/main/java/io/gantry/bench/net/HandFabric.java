package io.gantry.bench.net;

import io.gantry.testkit.OverlayLab;
import java.util.ArrayList;
import java.util.List;

/**
 * A tenant fabric network built by hand with the kernel's VXLAN on an {@link OverlayLab}, in the shape
 * docs/architecture.md gives the agent's (per node a namespace holding the network's bridge and its VXLAN device,
 * created in the node's underlay namespace so its UDP socket lives there, {@code nolearning proxy}; per remote NIC
 * a static forwarding entry and a permanent neighbour entry, no flooding entry; zones on veths with MTU 1450).
 * The bench's raw reference: what the overlay costs without any Gantry code in the way.
 */
final class HandFabric {
    static final int VXLAN_PORT = 4789;
    static final int MTU = 1450;

    record Zone(String netns, String ip, String mac, int node) {
    }

    private final OverlayLab lab;
    private final int vni;
    private final int mtu;
    private final List<String> fabricNetns = new ArrayList<>();
    private final List<Zone> zones = new ArrayList<>();

    HandFabric(OverlayLab lab, int vni) {
        this(lab, vni, MTU);
    }

    /** With the zones' and the fabric's MTU {@code mtu} (the lab's underlay MTU less VXLAN's 50 bytes at most). */
    HandFabric(OverlayLab lab, int vni, int mtu) {
        this.mtu = mtu;
        this.lab = lab;
        this.vni = vni;
        for (int i = 0; i < lab.nodes(); i++) {
            String fab = lab.newNamespace("fab" + i);
            fabricNetns.add(fab);
            String ul = lab.underlayNetns(i);
            lab.exec(fab, "ip", "link", "add", "br0", "mtu", Integer.toString(mtu), "type", "bridge");
            lab.exec(fab, "ip", "link", "set", "br0", "up");
            lab.exec(ul, "ip", "link", "add", "vx0", "type", "vxlan", "id", Integer.toString(vni), "local", lab.underlayIp(i),
                    "dstport", Integer.toString(VXLAN_PORT), "nolearning", "proxy");
            lab.exec(ul, "ip", "link", "set", "vx0", "netns", fab);
            lab.exec(fab, "ip", "link", "set", "vx0", "mtu", Integer.toString(mtu), "master", "br0", "up");
        }
    }

    /** A zone on {@code node}: its own namespace, eth0 on the node's bridge, 192.168.128.{10+k}/22. */
    Zone addZone(int node) {
        int k = zones.size() + 1;
        String zns = lab.newNamespace("z" + k);
        String fab = fabricNetns.get(node);
        String mac = String.format("02:00:00:00:%02x:%02x", node, k);
        String ip = "192.168.128." + (10 + k);
        lab.exec(fab, "ip", "link", "add", "vz" + k, "mtu", Integer.toString(mtu), "type", "veth", "peer", "name", "eth0",
                "mtu", Integer.toString(mtu), "netns", zns);
        lab.exec(fab, "ip", "link", "set", "vz" + k, "master", "br0", "up");
        lab.exec(zns, "ip", "link", "set", "eth0", "address", mac);
        lab.exec(zns, "ip", "addr", "add", ip + "/22", "dev", "eth0");
        lab.exec(zns, "ip", "link", "set", "eth0", "up");
        Zone z = new Zone(zns, ip, mac, node);
        zones.add(z);
        return z;
    }

    /** Every node learns, statically, where every other node's zones are. */
    void programRemotes() {
        for (int i = 0; i < fabricNetns.size(); i++) {
            String fab = fabricNetns.get(i);
            for (Zone z : zones) {
                if (z.node() != i) {
                    lab.exec(fab, "bridge", "fdb", "replace", z.mac(), "dev", "vx0", "dst", lab.underlayIp(z.node()),
                            "port", Integer.toString(VXLAN_PORT), "self", "permanent");
                    lab.exec(fab, "ip", "neigh", "replace", z.ip(), "lladdr", z.mac(), "dev", "vx0", "nud", "permanent");
                }
            }
        }
    }

    int vni() {
        return vni;
    }
}
