package io.gantry.common.firewall;

import io.gantry.common.GantryException;
import io.gantry.common.firewall.FirewallRule.AllVms;
import io.gantry.common.firewall.FirewallRule.Any;
import io.gantry.common.firewall.FirewallRule.Ip;
import io.gantry.common.firewall.FirewallRule.Subnet;
import io.gantry.common.firewall.FirewallRule.Target;
import io.gantry.common.net.TenantNetView.Direction;
import io.gantry.common.net.TenantNetView.FirewallEntry;
import io.gantry.common.net.TenantNetView.IcmpMatch;
import io.gantry.common.net.TenantNetView.MachineFirewall;
import io.gantry.common.net.TenantNetView.PortRange;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;

/**
 * Compiles one account's Triton firewall rules into per-machine address rules, as FWAPI does for its agents. Pure.
 *
 * <p>For each enabled rule (the account's and the global ones) and each machine with its firewall on: when a TO
 * target names the machine ({@code vm}, {@code tag}, {@code all vms}) the machine gets an IN entry whose peers are the
 * FROM side; when a FROM target names it, an OUT entry whose peers are the TO side. {@code vm}, {@code tag} and
 * {@code all vms} on the peer side stand for the addresses of the account's matching machines (global rules too are
 * resolved within the account whose machines they protect); {@code any} is any peer. Rules that do not parse or are
 * disabled are ignored; machines with the firewall off get no entries (all traffic passes).
 *
 * <p>Order: higher priority first; at equal priority BLOCK before ALLOW, so a BLOCK never loses to an ALLOW of the
 * same priority (FWAPI's rule). The rule language has no PRIORITY keyword, so every entry has priority 0 today.
 */
public final class FirewallCompiler {
    /** Entries are in the order the node must try them (first match wins). */
    public static final Comparator<FirewallEntry> ORDER = Comparator.comparingInt(FirewallEntry::priority).reversed()
            .thenComparing(FirewallEntry::allow)
            .thenComparing(FirewallEntry::rule, Comparator.nullsFirst(Comparator.naturalOrder()))
            .thenComparing(FirewallEntry::direction);

    private FirewallCompiler() {
    }

    /** A machine of the account: its addresses (every NIC), its tags, whether its firewall is on. */
    public record Machine(UUID id, List<String> ips, Map<String, ?> tags, boolean firewallEnabled) {
        public Machine {
            ips = ips == null ? List.of() : List.copyOf(ips);
            tags = tags == null ? Map.of() : Map.copyOf(tags);
        }
    }

    /** A stored rule: its id and text, whether it is enabled. */
    public record Rule(UUID id, String text, boolean enabled) {
    }

    /** One firewall per machine, in the order of {@code machines}. */
    public static List<MachineFirewall> compile(List<Machine> machines, List<Rule> rules) {
        List<ParsedRule> parsed = new ArrayList<>();
        for (Rule r : rules) {
            if (!r.enabled()) {
                continue;
            }
            try {
                FirewallRule rule = FirewallRule.parse(r.text());
                // the peers do not depend on the machine protected: resolve each side once per rule
                parsed.add(new ParsedRule(r.id(), rule, entry(Direction.IN, r.id(), rule, rule.from(), machines),
                        entry(Direction.OUT, r.id(), rule, rule.to(), machines)));
            } catch (GantryException e) {
                // stored before rules were checked word by word: it names nothing, as the API shows it
            }
        }
        List<MachineFirewall> out = new ArrayList<>(machines.size());
        for (Machine m : machines) {
            if (!m.firewallEnabled()) {
                out.add(new MachineFirewall(m.id(), false, List.of()));
                continue;
            }
            List<FirewallEntry> entries = new ArrayList<>();
            for (ParsedRule p : parsed) {
                if (namesMachine(p.rule().to(), m)) {
                    entries.add(p.in());
                }
                if (namesMachine(p.rule().from(), m)) {
                    entries.add(p.out());
                }
            }
            entries.sort(ORDER);
            out.add(new MachineFirewall(m.id(), true, entries));
        }
        return out;
    }

    /** A rule with its IN entry (for machines its TO side names) and OUT entry (for those its FROM side names). */
    private record ParsedRule(UUID id, FirewallRule rule, FirewallEntry in, FirewallEntry out) {
    }

    private static boolean namesMachine(List<Target> side, Machine m) {
        return side.stream().anyMatch(t -> FirewallRule.names(t, m.id(), m.tags()));
    }

    private static FirewallEntry entry(Direction direction, UUID id, FirewallRule r, List<Target> peerSide, List<Machine> machines) {
        boolean anyPeer = peerSide.stream().anyMatch(t -> t instanceof Any);
        TreeSet<String> peers = new TreeSet<>();
        if (!anyPeer) {
            for (Target t : peerSide) {
                if (t instanceof Ip ip) {
                    peers.add(ip.address());
                } else if (t instanceof Subnet s) {
                    peers.add(network(s.address(), s.prefix()));
                } else {
                    for (Machine other : machines) {
                        if (t instanceof AllVms || FirewallRule.names(t, other.id(), other.tags())) {
                            peers.addAll(other.ips());
                        }
                    }
                }
            }
        }
        List<PortRange> ports = r.ports().stream().map(x -> new PortRange(x.first(), x.last())).toList();
        List<IcmpMatch> icmp = r.types().stream().map(x -> new IcmpMatch(x.type(), x.code())).toList();
        return new FirewallEntry(direction, r.allow(), r.protocol(), anyPeer, List.copyOf(peers), ports, icmp, 0, id);
    }

    /** {@code address/prefix} with the host bits cleared (nft refuses a prefix whose host bits are set). */
    static String network(String address, int prefix) {
        try {
            byte[] bytes = InetAddress.getByName(address).getAddress(); // a literal the parser checked: no lookup
            for (int bit = prefix; bit < bytes.length * 8; bit++) {
                bytes[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
            }
            return InetAddress.getByAddress(bytes).getHostAddress() + "/" + prefix;
        } catch (UnknownHostException e) {
            throw GantryException.invalid("'" + address + "' is not an IP address");
        }
    }
}
