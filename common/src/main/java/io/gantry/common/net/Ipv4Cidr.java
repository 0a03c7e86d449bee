package io.gantry.common.net;

import io.gantry.common.GantryException;

/**
 * An IPv4 subnet in CIDR form whose address is its network address ({@code 192.168.128.0/22}, not
 * {@code 192.168.128.1/22}). Addresses are unsigned 32-bit numbers in a {@code long}.
 */
public record Ipv4Cidr(long network, int prefix) {

    public Ipv4Cidr {
        if (prefix < 0 || prefix > 32) {
            throw GantryException.invalid("subnet prefix length /" + prefix + " is not 0-32");
        }
        if ((network & ~mask(prefix)) != 0) {
            throw GantryException.invalid("subnet " + Ipv4.format(network) + "/" + prefix + " is not a network address (its network is "
                    + Ipv4.format(network & mask(prefix)) + "/" + prefix + ")");
        }
    }

    /** Reads {@code a.b.c.d/n}; a malformed text or an address with host bits set is an InvalidArgument. */
    public static Ipv4Cidr parse(String text) {
        if (text == null || text.isBlank()) {
            throw GantryException.invalid("subnet is required (CIDR such as 10.0.0.0/24)");
        }
        int slash = text.indexOf('/');
        String bits = slash < 0 ? "" : text.substring(slash + 1).trim();
        if (slash < 0 || bits.isEmpty() || bits.length() > 2 || !bits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw GantryException.invalid("subnet '" + text + "' is not in CIDR form (an address, '/', a prefix length 0-32)");
        }
        long address = Ipv4.parse(text.substring(0, slash), "subnet address");
        return new Ipv4Cidr(address, Integer.parseInt(bits));
    }

    static long mask(int prefix) {
        return prefix == 0 ? 0 : (0xFFFFFFFFL << (32 - prefix)) & 0xFFFFFFFFL;
    }

    public long mask() {
        return mask(prefix);
    }

    public long broadcast() {
        return network | (~mask() & 0xFFFFFFFFL);
    }

    public long size() {
        return 1L << (32 - prefix);
    }

    public boolean contains(long address) {
        return (address & mask()) == network;
    }

    /** Whether {@code other} lies wholly inside this subnet. */
    public boolean contains(Ipv4Cidr other) {
        return other.prefix >= prefix && contains(other.network);
    }

    public boolean overlaps(Ipv4Cidr other) {
        return contains(other.network) || other.contains(network);
    }

    /** Whether {@code address} is an address a host may hold: inside, and neither the network nor the broadcast address. */
    public boolean isHost(long address) {
        return contains(address) && address != network && address != broadcast();
    }

    /** The dotted-quad netmask ({@code 255.255.252.0}), as Triton's NICs show it. */
    public String netmask() {
        return Ipv4.format(mask());
    }

    @Override
    public String toString() {
        return Ipv4.format(network) + "/" + prefix;
    }
}
