package io.gantry.cloudapi.service;

import io.gantry.common.GantryException;
import io.gantry.common.net.Ipv4;
import io.gantry.common.net.Ipv4Cidr;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * A network's numbering as CloudAPI accepts it: a subnet of /8 to /30 (a fabric's inside the private ranges), a
 * provision range of host addresses inside it in order, and an optional gateway that is a host address of it. Also
 * where a machine's address comes from: the lowest free address of the range, never the gateway. Pure arithmetic.
 */
public record SubnetPlan(Ipv4Cidr subnet, long start, long end, Long gateway) {
    /** RFC 1918: the only subnets a fabric network may have. */
    public static final List<Ipv4Cidr> PRIVATE = List.of(Ipv4Cidr.parse("10.0.0.0/8"), Ipv4Cidr.parse("172.16.0.0/12"),
            Ipv4Cidr.parse("192.168.0.0/16"));

    public SubnetPlan {
        requirePrefix(subnet);
        requireHost(subnet, start, "provision_start_ip");
        requireHost(subnet, end, "provision_end_ip");
        if (start > end) {
            throw GantryException.invalid("provision_start_ip " + Ipv4.format(start) + " is after provision_end_ip " + Ipv4.format(end));
        }
        if (gateway != null) {
            requireHost(subnet, gateway, "gateway");
        }
    }

    /** Reads a network's fields as given in a request; {@code fabric} networks must be private. */
    public static SubnetPlan of(String subnet, String start, String end, String gateway, boolean fabric) {
        Ipv4Cidr cidr = Ipv4Cidr.parse(subnet);
        requirePrefix(cidr);
        if (fabric && PRIVATE.stream().noneMatch(p -> p.contains(cidr))) {
            throw GantryException.invalid("subnet " + cidr + " is not private: a fabric network's subnet must be inside 10.0.0.0/8,"
                    + " 172.16.0.0/12 or 192.168.0.0/16");
        }
        return new SubnetPlan(cidr, Ipv4.parse(start, "provision_start_ip"), Ipv4.parse(end, "provision_end_ip"),
                gateway == null || gateway.isBlank() ? null : Ipv4.parse(gateway, "gateway"));
    }

    private static void requirePrefix(Ipv4Cidr subnet) {
        if (subnet.prefix() < 8 || subnet.prefix() > 30) {
            throw GantryException.invalid("subnet " + subnet + " has prefix /" + subnet.prefix() + "; a network's prefix must be /8 to /30");
        }
    }

    private static void requireHost(Ipv4Cidr subnet, long address, String what) {
        if (!subnet.contains(address)) {
            throw GantryException.invalid(what + " " + Ipv4.format(address) + " is outside the subnet " + subnet);
        }
        if (address == subnet.network() || address == subnet.broadcast()) {
            throw GantryException.invalid(what + " " + Ipv4.format(address) + " is the " + (address == subnet.network() ? "network" : "broadcast")
                    + " address of " + subnet);
        }
    }

    /** Refuses a subnet that shares an address with any of {@code others} (the account's other fabric networks). */
    public void requireNoOverlap(Collection<Ipv4Cidr> others) {
        for (Ipv4Cidr other : others) {
            if (other.overlaps(subnet)) {
                throw GantryException.invalid("subnet " + subnet + " overlaps " + other + ", a subnet of another of this account's fabric networks");
            }
        }
    }

    /** Whether a machine may ask for {@code address} on this network (as Triton: any host address of the subnet but the gateway). */
    public boolean assignable(long address) {
        return subnet.isHost(address) && (gateway == null || address != gateway);
    }

    /** The lowest address of the provision range that is neither {@code taken} nor the gateway; -1 when there is none. */
    public long lowestFree(Set<Long> taken) {
        for (long a = start; a <= end; a++) {
            if (!taken.contains(a) && (gateway == null || a != gateway)) {
                return a;
            }
        }
        return -1;
    }
}
