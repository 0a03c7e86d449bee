package io.gantry.agent.net;

import io.gantry.common.net.NetworkKind;
import io.gantry.common.net.Nic;
import java.util.HexFormat;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * NICs for tests, as the control plane would allocate them: random MACs (02:…), fabric networks on Triton's default
 * subnet 192.168.128.0/22 (gateway .128.1), a random VNI per network so tests side by side never share one.
 */
public final class TestNics {
    public static final String FABRIC_SUBNET = "192.168.128.0/22";
    public static final String FABRIC_GATEWAY = "192.168.128.1";

    private TestNics() {
    }

    /** A fabric network as its NICs name it. */
    public record Fabric(UUID id, int vni, boolean nat) {
        public Nic nic(String ip) {
            return new Nic(randomMac(), ip, id, NetworkKind.FABRIC, FABRIC_SUBNET, FABRIC_GATEWAY, vni, 1450, nat, true);
        }

        /** The zone's {@code host}-th address: 192.168.128.{host+9} for host 1-240. */
        public Nic nic(int host) {
            return nic("192.168.128." + (host + 9));
        }
    }

    public static Fabric fabric(boolean nat) {
        return new Fabric(UUID.randomUUID(), ThreadLocalRandom.current().nextInt(100_000, 16_000_000), nat);
    }

    /** A NIC on an external network {@code subnet} (a /24 as {@code a.b.c.0/24}), gateway .1. */
    public static Nic external(UUID network, String subnet, int host, boolean primary) {
        String net = subnet.substring(0, subnet.lastIndexOf('.'));
        return new Nic(randomMac(), net + "." + host, network, NetworkKind.EXTERNAL, subnet, net + ".1", null, 1500, false, primary);
    }

    public static String randomMac() {
        byte[] b = new byte[5];
        ThreadLocalRandom.current().nextBytes(b);
        return "02:" + HexFormat.ofDelimiter(":").formatHex(b);
    }

    public static Nic secondary(Nic nic) {
        return new Nic(nic.mac(), nic.ip(), nic.network(), nic.kind(), nic.subnet(), nic.gateway(), nic.vni(), nic.mtu(), nic.nat(), false);
    }
}
