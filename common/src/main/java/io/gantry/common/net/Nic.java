package io.gantry.common.net;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.gantry.common.GantryException;
import java.util.UUID;

/**
 * One network interface of a zone, as the control plane allocated it: everything a node needs to wire it without
 * asking anyone. {@code subnet} is the network's CIDR ({@code 192.168.128.0/22}); {@code gateway} may be null (no
 * default route through this NIC); {@code vni} is set for FABRIC networks only; {@code mtu} is the MTU the zone's
 * interface gets; {@code primary} NIC carries the zone's default route.
 */
public record Nic(String mac, String ip, UUID network, NetworkKind kind, String subnet, String gateway, Integer vni,
                  int mtu, boolean nat, boolean primary) {

    public Nic {
        if (mac == null || !mac.matches("[0-9a-f]{2}(:[0-9a-f]{2}){5}")) {
            throw GantryException.invalid("NIC mac must be six lower-case hex pairs separated by ':'; got " + mac);
        }
        if (ip == null || network == null || kind == null || subnet == null) {
            throw GantryException.invalid("a NIC needs ip, network, kind and subnet");
        }
        if (kind == NetworkKind.FABRIC && vni == null) {
            throw GantryException.invalid("a fabric NIC needs the network's vni");
        }
    }

    /** The prefix length of {@link #subnet}. */
    @JsonIgnore
    public int prefixLength() {
        return Integer.parseInt(subnet.substring(subnet.indexOf('/') + 1));
    }
}
