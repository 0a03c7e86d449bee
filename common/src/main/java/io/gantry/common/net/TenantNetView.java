package io.gantry.common.net;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * One tenant's network as the control plane last saw it, published to ZooKeeper at {@code ZkPaths.netview(account)}
 * for the agents: where each NIC lives (to program VXLAN forwarding entries, no flooding) and each machine's firewall,
 * already compiled from Triton's rule language to addresses (so agents know nothing of rules, tags or other
 * machines). {@code generation} only grows: an agent ignores a view older than the one it applied, and a publisher
 * never replaces a newer view.
 */
public record TenantNetView(UUID account, long generation, List<NicPlacement> nics, List<MachineFirewall> firewalls,
                            Instant published) {

    public TenantNetView {
        nics = nics == null ? List.of() : List.copyOf(nics);
        firewalls = firewalls == null ? List.of() : List.copyOf(firewalls);
    }

    /** A NIC of a machine that is placed on {@code node} (machines not yet placed, or deleted, are left out). */
    public record NicPlacement(UUID machine, String mac, String ip, UUID network, Integer vni, String node) {
    }

    /**
     * A machine's firewall. With {@code enabled} false no rule applies (all traffic passes). With it true inbound is
     * denied unless allowed and outbound allowed unless blocked (Triton's defaults); established and related traffic
     * always passes. Entries are sorted: higher {@code priority} first, and at equal priority BLOCK before ALLOW.
     */
    public record MachineFirewall(UUID machine, boolean enabled, List<FirewallEntry> rules) {
        public MachineFirewall {
            rules = rules == null ? List.of() : List.copyOf(rules);
        }
    }

    public enum Direction { IN, OUT }

    /**
     * One compiled rule for one machine: traffic in {@code direction} (IN: to this machine; OUT: from it) with the
     * other end in {@code peers} (IPv4 addresses or CIDRs; ignored when {@code anyPeer}; an empty list with anyPeer
     * false matches nothing, e.g. a tag no machine has). {@code protocol} is tcp, udp, icmp or icmp6; {@code ports}
     * empty = every port; {@code icmp} empty = every type. {@code rule} is the Triton rule it came from.
     */
    public record FirewallEntry(Direction direction, boolean allow, String protocol, boolean anyPeer, List<String> peers,
                                List<PortRange> ports, List<IcmpMatch> icmp, int priority, UUID rule) {
        public FirewallEntry {
            peers = peers == null ? List.of() : List.copyOf(peers);
            ports = ports == null ? List.of() : List.copyOf(ports);
            icmp = icmp == null ? List.of() : List.copyOf(icmp);
        }
    }

    public record PortRange(int from, int to) {
    }

    /** An ICMP type, and code when not null. */
    public record IcmpMatch(int type, Integer code) {
    }
}
