package io.gantry.agent.net;

import io.gantry.agent.host.Cmd;
import io.gantry.agent.runc.ZoneLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;

/**
 * The node's network namespace, which the agent owns: one bridge per tenant, one veth per zone, and
 * nftables rules. The host's own interfaces are never touched.
 *
 * <p>Isolation has three layers: tenants' zones sit on different bridges; the bridges have no
 * address and the namespace routes nothing (an inet forward chain drops all); and every zone port
 * passes a per-zone chain that drops frames whose MAC, IPv4 or ARP sender is not the zone's own.
 */
public final class NodeNetwork {
    private static final String TABLE = "gantry";
    private final String netns;

    public NodeNetwork(String node) {
        this.netns = "gantry-" + node;
    }

    public String netns() {
        return netns;
    }

    public static boolean netnsExists(String name) {
        return Files.exists(Path.of("/run/netns", name));
    }

    /** Creates the node namespace and its base rules; safe to repeat. */
    public void ensure() {
        if (!netnsExists(netns)) {
            Cmd.check("ip", "netns", "add", netns);
            Cmd.check("ip", "-n", netns, "link", "set", "lo", "up");
        }
        // Where br_netfilter is loaded (Docker loads it), bridged frames would also pass the inet
        // forward chain below and be dropped; these sysctls are per namespace, the host's stay as they are.
        Cmd.check("ip", "netns", "exec", netns, "sh", "-c",
                "for f in /proc/sys/net/bridge/bridge-nf-call-iptables /proc/sys/net/bridge/bridge-nf-call-ip6tables "
                        + "/proc/sys/net/bridge/bridge-nf-call-arptables; do [ ! -e $f ] || echo 0 > $f; done");
        nft("""
                add table bridge %1$s
                add map bridge %1$s zone_ports { type ifname : verdict; }
                add chain bridge %1$s prerouting { type filter hook prerouting priority -10; policy accept; }
                flush chain bridge %1$s prerouting
                add rule bridge %1$s prerouting iifname vmap @zone_ports
                add table inet %1$s
                add chain inet %1$s forward { type filter hook forward priority 0; policy drop; }
                """.formatted(TABLE));
    }

    public static String bridgeName(String tenant) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(tenant.getBytes(StandardCharsets.UTF_8));
            return "gb" + HexFormat.of().formatHex(digest, 0, 5);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Gives the zone its own namespace with {@code ip} on eth0, wired to its tenant's bridge behind anti-spoofing rules. */
    public void attach(ZoneLayout zone, String tenant, String ip, int prefixLength) {
        String bridge = ensureBridge(tenant);
        String zns = zone.netns();
        String veth = zone.hostVeth();
        if (!netnsExists(zns)) {
            Cmd.check("ip", "netns", "add", zns);
        }
        if (!Cmd.run("ip", "-n", netns, "link", "show", veth).ok()) {
            Cmd.check("ip", "-n", netns, "link", "add", veth, "type", "veth", "peer", "name", "eth0", "netns", zns);
        }
        Cmd.check("ip", "-n", netns, "link", "set", veth, "master", bridge, "up");
        Cmd.check("ip", "-n", zns, "link", "set", "lo", "up");
        Cmd.check("ip", "-n", zns, "link", "set", "eth0", "address", zone.mac());
        Cmd.check("ip", "-n", zns, "addr", "replace", ip + "/" + prefixLength, "dev", "eth0");
        Cmd.check("ip", "-n", zns, "link", "set", "eth0", "up");
        removeZoneRules(zone);
        nft("""
                add chain bridge %1$s %2$s
                add rule bridge %1$s %2$s ether saddr != %3$s counter drop
                add rule bridge %1$s %2$s ether type arp arp saddr ether != %3$s counter drop
                add rule bridge %1$s %2$s ether type arp arp saddr ip != %4$s counter drop
                add rule bridge %1$s %2$s ether type ip ip saddr != %4$s counter drop
                add rule bridge %1$s %2$s ether type ip6 counter drop
                add element bridge %1$s zone_ports { "%5$s" : jump %2$s }
                """.formatted(TABLE, zone.firewallChain(), zone.mac(), ip, veth));
    }

    /** Removes the zone's namespace, veth and rules; safe on a half-made zone. */
    public void detach(ZoneLayout zone) {
        if (netnsExists(netns)) {
            removeZoneRules(zone);
            Cmd.run("ip", "-n", netns, "link", "del", zone.hostVeth());
        }
        if (netnsExists(zone.netns())) {
            Cmd.check("ip", "netns", "del", zone.netns());
        }
    }

    /** Deletes the tenant's bridge once no zone is plugged into it. */
    public void removeBridgeIfUnused(String tenant) {
        String bridge = bridgeName(tenant);
        Cmd.Result show = Cmd.run("ip", "-n", netns, "link", "show", "master", bridge);
        if (show.ok() && show.stdout().isBlank()) {
            Cmd.run("ip", "-n", netns, "link", "del", bridge);
        }
    }

    /** The per-zone chain with its drop counters, as nft lists it (for diagnosis and tests). */
    public String zoneRules(ZoneLayout zone) {
        return listZoneChain(zone).stdout();
    }

    /** Removes the whole node namespace, with every bridge and rule in it. */
    public void destroy() {
        if (netnsExists(netns)) {
            Cmd.check("ip", "netns", "del", netns);
        }
    }

    private String ensureBridge(String tenant) {
        String bridge = bridgeName(tenant);
        if (!Cmd.run("ip", "-n", netns, "link", "show", bridge).ok()) {
            Cmd.check("ip", "-n", netns, "link", "add", bridge, "type", "bridge");
            Cmd.check("ip", "-n", netns, "link", "set", bridge, "up");
        }
        return bridge;
    }

    private void removeZoneRules(ZoneLayout zone) {
        String chain = zone.firewallChain();
        if (listZoneChain(zone).ok()) {
            nftScript("delete element bridge %s zone_ports { \"%s\" }\n".formatted(TABLE, zone.hostVeth())); // may be gone already
            nft("flush chain bridge %1$s %2$s\ndelete chain bridge %1$s %2$s\n".formatted(TABLE, chain));
        }
    }

    private Cmd.Result listZoneChain(ZoneLayout zone) {
        return Cmd.run("ip", "netns", "exec", netns, "nft", "list", "chain", "bridge", TABLE, zone.firewallChain());
    }

    private void nft(String script) {
        nftScript(script).orThrow();
    }

    private Cmd.Result nftScript(String script) {
        return Cmd.run(List.of("ip", "netns", "exec", netns, "nft", "-f", "-"), script, Duration.ofSeconds(10));
    }
}
