package io.gantry.agent.net;

import io.gantry.agent.net.DisjointBoxes.Box;
import io.gantry.common.GantryException;
import io.gantry.common.net.TenantNetView.Direction;
import io.gantry.common.net.TenantNetView.FirewallEntry;
import io.gantry.common.net.TenantNetView.IcmpMatch;
import io.gantry.common.net.TenantNetView.MachineFirewall;
import io.gantry.common.net.TenantNetView.PortRange;
import java.math.BigInteger;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Renders a machine's compiled firewall as one {@code nft -f} script that replaces the zone's table
 * {@code inet gantry_fw} in a single transaction (add, delete, define: the kernel applies all or nothing, so no packet
 * ever sees a half-written table). Pure.
 *
 * <p>input: policy drop (Triton's inbound default deny); established/related and loopback pass first, then the IN
 * entries. output: policy accept (outbound default allow), established/related pass, then the OUT entries. Entries
 * are tried in the view's order, first match wins. Consecutive entries with the same verdict cannot change each
 * other's outcome, so each such run becomes one set per address family and protocol, keyed by peer address and port
 * (or ICMP type and code): a lookup per run instead of a rule per entry, and 1,000 entries load in a few tens of
 * milliseconds (a rule per entry with its own anonymous sets took about 0.35 s).
 */
public final class ZoneFirewallScript {
    public static final String TABLE = "gantry_fw";
    private static final Pattern ADDRESS = Pattern.compile("[0-9a-fA-F:.]+(/\\d{1,3})?");
    private static final BigInteger V4_MAX = BigInteger.ONE.shiftLeft(32).subtract(BigInteger.ONE);
    private static final BigInteger V6_MAX = BigInteger.ONE.shiftLeft(128).subtract(BigInteger.ONE);

    private ZoneFirewallScript() {
    }

    /** The script that installs {@code fw}; a disabled firewall removes the table (all traffic passes). */
    public static String render(MachineFirewall fw) {
        if (!fw.enabled()) {
            return removal();
        }
        StringBuilder sets = new StringBuilder();
        String in = chain(Direction.IN, fw.rules(), sets);
        String out = chain(Direction.OUT, fw.rules(), sets);
        return "add table inet " + TABLE + "\n"
                + "delete table inet " + TABLE + "\n"
                + "table inet " + TABLE + " {\n"
                + sets
                + "  chain input {\n"
                + "    type filter hook input priority 0; policy drop;\n"
                + "    ct state established,related accept\n"
                + "    iif lo accept\n"
                // without neighbour discovery a zone's IPv6 would stop working altogether
                + "    icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert, nd-router-advert } accept\n"
                + in
                + "  }\n"
                + "  chain output {\n"
                + "    type filter hook output priority 0; policy accept;\n"
                + "    ct state established,related accept\n"
                + "    oif lo accept\n"
                + out
                + "  }\n"
                + "}\n";
    }

    /** The script that removes the table if it is there. */
    public static String removal() {
        return "add table inet " + TABLE + "\ndelete table inet " + TABLE + "\n";
    }

    /** What a set matches: the protocol and family, its key type and the expression the rule looks it up with. */
    private enum Kind {
        TCP4("tcp4", "ipv4_addr . inet_service", "%s . tcp dport", false),
        UDP4("udp4", "ipv4_addr . inet_service", "%s . udp dport", false),
        ICMP4("icmp4", "ipv4_addr . icmp_type . icmp_code", "%s . icmp type . icmp code", false),
        TCP6("tcp6", "ipv6_addr . inet_service", "%s . tcp dport", true),
        UDP6("udp6", "ipv6_addr . inet_service", "%s . udp dport", true),
        ICMP6("icmp6", "ipv6_addr . icmpv6_type . icmpv6_code", "%s . icmpv6 type . icmpv6 code", true);

        final String suffix;
        final String type;
        final String lookup;
        final boolean v6;

        Kind(String suffix, String type, String lookup, boolean v6) {
            this.suffix = suffix;
            this.type = type;
            this.lookup = lookup;
            this.v6 = v6;
        }

        boolean icmp() {
            return this == ICMP4 || this == ICMP6;
        }
    }

    private static String chain(Direction direction, List<FirewallEntry> entries, StringBuilder sets) {
        String side = direction == Direction.IN ? "saddr" : "daddr";
        String prefix = direction == Direction.IN ? "in" : "out";
        StringBuilder rules = new StringBuilder();
        List<FirewallEntry> mine = entries.stream().filter(e -> e.direction() == direction).toList();
        int run = 0;
        for (int start = 0; start < mine.size(); run++) {
            boolean allow = mine.get(start).allow();
            int end = start;
            Map<Kind, List<Box>> boxes = new LinkedHashMap<>();
            while (end < mine.size() && mine.get(end).allow() == allow) {
                add(mine.get(end++), boxes);
            }
            for (Kind kind : Kind.values()) {
                List<Box> disjoint = DisjointBoxes.of(boxes.getOrDefault(kind, List.of()));
                if (disjoint.isEmpty()) {
                    continue;
                }
                String name = prefix + run + "_" + kind.suffix;
                sets.append("  set ").append(name).append(" { type ").append(kind.type).append("; flags interval; elements = { ");
                for (int i = 0; i < disjoint.size(); i++) {
                    sets.append(i == 0 ? "" : ", ").append(element(kind, disjoint.get(i)));
                }
                sets.append(" } }\n");
                rules.append("    ").append(kind.lookup.formatted((kind.v6 ? "ip6 " : "ip ") + side))
                        .append(" @").append(name).append(allow ? " accept" : " drop").append('\n');
            }
            start = end;
        }
        return rules.toString();
    }

    /** The entry's boxes: for each peer (all addresses when anyPeer) × each port range or ICMP match. */
    private static void add(FirewallEntry e, Map<Kind, List<Box>> boxes) {
        String protocol = e.protocol() == null ? "" : e.protocol().toLowerCase(Locale.ROOT);
        List<int[]> values = new ArrayList<>();
        Kind v4;
        Kind v6;
        switch (protocol) {
            case "tcp", "udp" -> {
                v4 = protocol.equals("tcp") ? Kind.TCP4 : Kind.UDP4;
                v6 = protocol.equals("tcp") ? Kind.TCP6 : Kind.UDP6;
                for (PortRange r : e.ports()) {
                    if (r.from() < 0 || r.to() > 65535 || r.from() > r.to()) {
                        throw GantryException.invalid("firewall port range " + r.from() + "-" + r.to() + " is not within 0-65535");
                    }
                    values.add(new int[] {r.from(), r.to()});
                }
            }
            case "icmp", "icmp6" -> {
                v4 = protocol.equals("icmp") ? Kind.ICMP4 : null;
                v6 = protocol.equals("icmp6") ? Kind.ICMP6 : null;
                for (IcmpMatch m : e.icmp()) {
                    checkByte(m.type(), "ICMP type");
                    if (m.code() == null) {
                        values.add(new int[] {m.type() << 8, (m.type() << 8) | 255});
                    } else {
                        checkByte(m.code(), "ICMP code");
                        values.add(new int[] {(m.type() << 8) | m.code(), (m.type() << 8) | m.code()});
                    }
                }
            }
            default -> throw GantryException.invalid("firewall protocol '" + e.protocol() + "' is not tcp, udp, icmp or icmp6");
        }
        if (values.isEmpty()) {
            values.add(new int[] {0, 65535}); // every port, or every ICMP type and code
        }
        List<BigInteger[]> peers4 = new ArrayList<>();
        List<BigInteger[]> peers6 = new ArrayList<>();
        if (e.anyPeer()) {
            peers4.add(new BigInteger[] {BigInteger.ZERO, V4_MAX});
            peers6.add(new BigInteger[] {BigInteger.ZERO, V6_MAX});
        } else {
            for (String peer : e.peers()) {
                BigInteger[] range = range(peer);
                (range[1].compareTo(V4_MAX) <= 0 && !peer.contains(":") ? peers4 : peers6).add(range);
            }
        }
        for (int[] v : values) {
            if (v4 != null) {
                peers4.forEach(p -> boxes.computeIfAbsent(v4, k -> new ArrayList<>()).add(new Box(p[0], p[1], v[0], v[1])));
            }
            if (v6 != null) {
                peers6.forEach(p -> boxes.computeIfAbsent(v6, k -> new ArrayList<>()).add(new Box(p[0], p[1], v[0], v[1])));
            }
        }
    }

    /** An address or CIDR as its first and last address (host bits of a CIDR ignored). */
    static BigInteger[] range(String peer) {
        if (peer == null || peer.length() > 50 || !ADDRESS.matcher(peer).matches()) {
            throw GantryException.invalid("firewall peer '" + peer + "' is not an IP address or CIDR");
        }
        int slash = peer.indexOf('/');
        String address = slash < 0 ? peer : peer.substring(0, slash);
        InetAddress a;
        try {
            a = InetAddress.getByName(address); // only digits, dots and colons: a literal, never a lookup
        } catch (UnknownHostException e) {
            throw GantryException.invalid("firewall peer '" + peer + "' is not an IP address or CIDR");
        }
        if (a instanceof Inet4Address == address.contains(":")) {
            throw GantryException.invalid("firewall peer '" + peer + "' is an IPv4-mapped address; write it as IPv4");
        }
        int bits = a instanceof Inet4Address ? 32 : 128;
        int prefix = slash < 0 ? bits : Integer.parseInt(peer.substring(slash + 1));
        if (prefix > bits) {
            throw GantryException.invalid("firewall peer '" + peer + "' has a prefix longer than " + bits);
        }
        BigInteger value = new BigInteger(1, a.getAddress());
        BigInteger hostMask = BigInteger.ONE.shiftLeft(bits - prefix).subtract(BigInteger.ONE);
        BigInteger first = value.andNot(hostMask);
        return new BigInteger[] {first, first.or(hostMask)};
    }

    private static String element(Kind kind, Box b) {
        String address = b.lo().equals(b.hi()) ? format(b.lo(), kind.v6) : format(b.lo(), kind.v6) + "-" + format(b.hi(), kind.v6);
        if (!kind.icmp()) {
            return address + " . " + span(b.from(), b.to());
        }
        // an interval of type·256+code as at most three (type, code range) pieces: a partial first type, whole
        // types in between, a partial last type
        int fromType = b.from() >> 8;
        int toType = b.to() >> 8;
        int fromCode = b.from() & 255;
        int toCode = b.to() & 255;
        if (fromType == toType) {
            return address + " . " + fromType + " . " + span(fromCode, toCode);
        }
        List<String> pieces = new ArrayList<>();
        int firstWhole = fromType;
        if (fromCode != 0) {
            pieces.add(address + " . " + fromType + " . " + span(fromCode, 255));
            firstWhole++;
        }
        int lastWhole = toType;
        String tail = null;
        if (toCode != 255) {
            tail = address + " . " + toType + " . " + span(0, toCode);
            lastWhole--;
        }
        if (firstWhole <= lastWhole) {
            pieces.add(address + " . " + span(firstWhole, lastWhole) + " . 0-255");
        }
        if (tail != null) {
            pieces.add(tail);
        }
        return String.join(", ", pieces);
    }

    private static String span(int from, int to) {
        return from == to ? Integer.toString(from) : from + "-" + to;
    }

    private static String format(BigInteger value, boolean v6) {
        byte[] raw = value.toByteArray();
        byte[] bytes = new byte[v6 ? 16 : 4];
        int copy = Math.min(raw.length, bytes.length);
        System.arraycopy(raw, raw.length - copy, bytes, bytes.length - copy, copy);
        try {
            InetAddress a = InetAddress.getByAddress(bytes);
            return v6 ? ((Inet6Address) a).getHostAddress() : a.getHostAddress();
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void checkByte(int value, String what) {
        if (value < 0 || value > 255) {
            throw GantryException.invalid(what + " " + value + " is not within 0-255");
        }
    }
}
