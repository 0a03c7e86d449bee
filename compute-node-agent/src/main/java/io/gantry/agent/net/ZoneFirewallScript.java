package io.gantry.agent.net;

import io.gantry.common.GantryException;
import io.gantry.common.net.TenantNetView.Direction;
import io.gantry.common.net.TenantNetView.FirewallEntry;
import io.gantry.common.net.TenantNetView.IcmpMatch;
import io.gantry.common.net.TenantNetView.MachineFirewall;
import io.gantry.common.net.TenantNetView.PortRange;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Renders a machine's compiled firewall as one {@code nft -f} script that replaces the zone's table
 * {@code inet gantry_fw} in a single transaction (add, delete, define: the kernel applies all or nothing, so no packet
 * ever sees a half-written table). Pure.
 *
 * <p>input: policy drop (Triton's inbound default deny); established/related and loopback pass first, then the
 * entries in the view's order (first match wins: higher priority first, BLOCK before ALLOW at equal priority).
 * output: policy accept (outbound default allow), established/related pass, then the OUT entries. Peers and ports are
 * anonymous nft sets, so an entry is one rule however many addresses a tag stands for.
 */
public final class ZoneFirewallScript {
    public static final String TABLE = "gantry_fw";
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}(/\\d{1,2})?");
    private static final Pattern IPV6 = Pattern.compile("[0-9a-fA-F:.]*:[0-9a-fA-F:.]*(/\\d{1,3})?");

    private ZoneFirewallScript() {
    }

    /** The script that installs {@code fw}; a disabled firewall removes the table (all traffic passes). */
    public static String render(MachineFirewall fw) {
        if (!fw.enabled()) {
            return removal();
        }
        StringBuilder in = new StringBuilder();
        StringBuilder out = new StringBuilder();
        for (FirewallEntry e : fw.rules()) {
            for (String rule : rules(e)) {
                (e.direction() == Direction.IN ? in : out).append("    ").append(rule).append('\n');
            }
        }
        return "add table inet " + TABLE + "\n"
                + "delete table inet " + TABLE + "\n"
                + "table inet " + TABLE + " {\n"
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

    /** The nft rules for one entry: none when it can match nothing, one per address family it names. */
    static List<String> rules(FirewallEntry e) {
        String verdict = e.allow() ? "accept" : "drop";
        String comment = e.rule() == null ? "" : " comment \"" + e.rule() + "\"";
        List<String> matches = protocolMatches(e);
        List<String> rules = new ArrayList<>();
        String side = e.direction() == Direction.IN ? "saddr" : "daddr";
        if (e.anyPeer()) {
            for (String m : matches) {
                rules.add(m + " " + verdict + comment);
            }
            return rules;
        }
        List<String> v4 = new ArrayList<>();
        List<String> v6 = new ArrayList<>();
        for (String peer : e.peers()) {
            if (IPV4.matcher(peer).matches()) {
                v4.add(peer);
            } else if (IPV6.matcher(peer).matches()) {
                v6.add(peer);
            } else {
                throw GantryException.invalid("firewall peer '" + peer + "' is not an IP address or CIDR");
            }
        }
        for (String m : matches) {
            if (!v4.isEmpty() && !m.startsWith("icmpv6")) {
                rules.add("ip " + side + " " + set(v4) + " " + m + " " + verdict + comment);
            }
            if (!v6.isEmpty() && !m.startsWith("icmp ")) {
                rules.add("ip6 " + side + " " + set(v6) + " " + m + " " + verdict + comment);
            }
        }
        return rules;
    }

    private static List<String> protocolMatches(FirewallEntry e) {
        String protocol = e.protocol() == null ? "" : e.protocol().toLowerCase(Locale.ROOT);
        switch (protocol) {
            case "tcp", "udp" -> {
                if (e.ports().isEmpty()) {
                    return List.of("meta l4proto " + protocol);
                }
                return List.of(protocol + " dport " + set(e.ports().stream().map(ZoneFirewallScript::port).toList()));
            }
            case "icmp", "icmp6" -> {
                String keyword = protocol.equals("icmp") ? "icmp" : "icmpv6";
                if (e.icmp().isEmpty()) {
                    return List.of("meta l4proto " + (protocol.equals("icmp") ? "icmp" : "ipv6-icmp"));
                }
                List<String> matches = new ArrayList<>();
                List<String> typesOnly = new ArrayList<>();
                for (IcmpMatch m : e.icmp()) {
                    checkByte(m.type(), "ICMP type");
                    if (m.code() == null) {
                        typesOnly.add(Integer.toString(m.type()));
                    } else {
                        checkByte(m.code(), "ICMP code");
                        matches.add(keyword + " type " + m.type() + " " + keyword + " code " + m.code());
                    }
                }
                if (!typesOnly.isEmpty()) {
                    matches.add(0, keyword + " type " + set(typesOnly));
                }
                return matches;
            }
            default -> throw GantryException.invalid("firewall protocol '" + e.protocol() + "' is not tcp, udp, icmp or icmp6");
        }
    }

    private static String port(PortRange r) {
        if (r.from() < 0 || r.to() > 65535 || r.from() > r.to()) {
            throw GantryException.invalid("firewall port range " + r.from() + "-" + r.to() + " is not within 0-65535");
        }
        return r.from() == r.to() ? Integer.toString(r.from()) : r.from() + "-" + r.to();
    }

    private static void checkByte(int value, String what) {
        if (value < 0 || value > 255) {
            throw GantryException.invalid(what + " " + value + " is not within 0-255");
        }
    }

    private static String set(List<String> items) {
        return items.size() == 1 ? items.get(0) : items.stream().collect(Collectors.joining(", ", "{ ", " }"));
    }
}
