package io.gantry.agent.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.gantry.agent.host.Cmd;
import io.gantry.agent.host.HostProbe;
import io.gantry.common.net.TenantNetView.Direction;
import io.gantry.common.net.TenantNetView.FirewallEntry;
import io.gantry.common.net.TenantNetView.IcmpMatch;
import io.gantry.common.net.TenantNetView.MachineFirewall;
import io.gantry.common.net.TenantNetView.PortRange;
import io.gantry.testkit.VethPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The zone firewall with real traffic: two network namespaces joined by a veth, "zone" (firewalled, 192.0.2.1) and
 * "peer" (192.0.2.2). TCP with busybox nc, ICMP with busybox ping; UDP datagrams are sent with bash's /dev/udp and
 * counted by an nft counter that runs after the firewall's hook in the receiving namespace (busybox nc has no UDP).
 * A blocked probe is a dropped packet, so every probe has a 0.4 s time limit (on a veth a real answer takes well
 * under a millisecond).
 */
class ZoneFirewallTest {
    private static final String ZONE_IP = "192.0.2.1";
    private static final String PEER_IP = "192.0.2.2";
    private static final String SUFFIX = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000, 0xFFFFFF));
    private static final String ZONE = "gfwz" + SUFFIX;
    private static final String PEER = "gfwp" + SUFFIX;
    private static final int[] ZONE_PORTS = {22, 80, 81, 5005, 5011};
    private static final int[] PEER_PORTS = {80, 443};
    private static final List<Process> listeners = new ArrayList<>();
    private static boolean made;

    private final ZoneFirewall firewall = new ZoneFirewall();

    @BeforeAll
    static void twoNamespaces() {
        assumeThat(Boolean.getBoolean("gantry.zones.skip")).as("skipped with -Dgantry.zones.skip=true").isFalse();
        assumeThat(HostProbe.isRoot() && Cmd.onPath("nft") && Cmd.onPath("ip")).as("needs root, nft and ip").isTrue();
        made = true;
        VethPair.create(ZONE, ZONE_IP, PEER, PEER_IP);
        for (String ns : List.of(ZONE, PEER)) {
            Cmd.run(List.of("ip", "netns", "exec", ns, "nft", "-f", "-"), """
                    table inet probe {
                      chain input {
                        type filter hook input priority 100; policy accept;
                        udp dport 5353 counter
                        udp dport 5354 counter
                      }
                    }
                    """, Duration.ofSeconds(10)).orThrow();
        }
        for (int port : ZONE_PORTS) {
            listen(ZONE, port);
        }
        for (int port : PEER_PORTS) {
            listen(PEER, port);
        }
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() ->
                tcp(PEER, ZONE_IP, 5011) && tcp(ZONE, PEER_IP, 443));
    }

    @AfterAll
    static void cleanUp() throws InterruptedException {
        for (Process p : listeners) {
            p.destroyForcibly().waitFor();
        }
        if (made) {
            VethPair.delete(ZONE, PEER);
        }
    }

    @Test
    void enabledWithoutRulesDeniesInboundAndAllowsOutbound() {
        firewall.applyDefault(ZONE, true);
        assertThat(tcp(PEER, ZONE_IP, 22)).as("peer -> zone tcp 22").isFalse();
        assertThat(ping(PEER, ZONE_IP)).as("peer pings zone").isFalse();
        assertThat(tcp(ZONE, PEER_IP, 80)).as("zone -> peer tcp 80 (and its answers come back)").isTrue();
        assertThat(ping(ZONE, PEER_IP)).as("zone pings peer").isTrue();
    }

    @Test
    void disabledFirewallLetsEverythingPassAndLeavesNoTable() {
        firewall.applyDefault(ZONE, true);
        firewall.applyDefault(ZONE, false);
        assertThat(firewall.list(ZONE)).isEmpty();
        assertThat(tcp(PEER, ZONE_IP, 22)).isTrue();
        assertThat(ping(PEER, ZONE_IP)).isTrue();
        firewall.apply(ZONE, new MachineFirewall(UUID.randomUUID(), false, List.of(in(false, "tcp", true, List.of(), ports(22)))));
        assertThat(tcp(PEER, ZONE_IP, 22)).as("rules of a disabled firewall do not apply").isTrue();
    }

    @Test
    void anyPeerTcpPortAllowsThatPortOnly() {
        apply(in(true, "tcp", true, List.of(), ports(22)));
        assertThat(tcp(PEER, ZONE_IP, 22)).isTrue();
        assertThat(tcp(PEER, ZONE_IP, 80)).isFalse();
    }

    @Test
    void ipPeerWithPortRangeAllowsTheRangeOnly() {
        apply(in(true, "tcp", false, List.of(PEER_IP), List.of(new PortRange(5000, 5010))));
        assertThat(tcp(PEER, ZONE_IP, 5005)).isTrue();
        assertThat(tcp(PEER, ZONE_IP, 5011)).isFalse();
        apply(in(true, "tcp", false, List.of("192.0.2.9"), List.of(new PortRange(5000, 5010))));
        assertThat(tcp(PEER, ZONE_IP, 5005)).as("another address allowed, not the peer").isFalse();
    }

    @Test
    void subnetPeerAllowsAddressesInsideIt() {
        apply(in(true, "tcp", false, List.of("192.0.2.0/24"), ports(80)));
        assertThat(tcp(PEER, ZONE_IP, 80)).isTrue();
        apply(in(true, "tcp", false, List.of("198.51.100.0/24"), ports(80)));
        assertThat(tcp(PEER, ZONE_IP, 80)).isFalse();
    }

    @Test
    void addressSetsStandingForVmsTagsAndAllVmsMatchTheirMembers() {
        apply(in(true, "tcp", false, List.of("198.51.100.7", PEER_IP, "203.0.113.9"), ports(81)));
        assertThat(tcp(PEER, ZONE_IP, 81)).as("peer is a member of the tag's set").isTrue();
        apply(in(true, "tcp", false, List.of("198.51.100.7", "203.0.113.9"), ports(81)));
        assertThat(tcp(PEER, ZONE_IP, 81)).as("peer is not in the set").isFalse();
        apply(in(true, "tcp", false, List.of(), ports(81)));
        assertThat(tcp(PEER, ZONE_IP, 81)).as("a tag no machine has matches nothing").isFalse();
    }

    @Test
    void udpPortIsAllowedInboundAndBlockedOutbound() {
        apply(in(true, "udp", true, List.of(), ports(5353)));
        assertThat(udpArrives(PEER, ZONE, ZONE_IP, 5353)).as("allowed udp 5353").isTrue();
        assertThat(udpArrives(PEER, ZONE, ZONE_IP, 5354)).as("udp 5354 not allowed").isFalse();
        apply(out(false, "udp", false, List.of(PEER_IP), ports(5354)));
        assertThat(udpArrives(ZONE, PEER, PEER_IP, 5353)).as("outbound udp 5353").isTrue();
        assertThat(udpArrives(ZONE, PEER, PEER_IP, 5354)).as("outbound udp 5354 blocked").isFalse();
    }

    @Test
    void icmpTypeAllowsOnlyThatType() {
        apply(new FirewallEntry(Direction.IN, true, "icmp", true, List.of(), List.of(), List.of(new IcmpMatch(8, 0)), 0, null));
        assertThat(ping(PEER, ZONE_IP)).as("echo request allowed").isTrue();
        apply(new FirewallEntry(Direction.IN, true, "icmp", true, List.of(), List.of(), List.of(new IcmpMatch(0, null)), 0, null));
        assertThat(ping(PEER, ZONE_IP)).as("only echo reply allowed").isFalse();
    }

    @Test
    void outboundBlockStopsNewConnectionsToThePeer() {
        apply(out(false, "tcp", false, List.of(PEER_IP), ports(80)),
                new FirewallEntry(Direction.OUT, false, "icmp", true, List.of(), List.of(), List.of(new IcmpMatch(8, null)), 0, null));
        assertThat(tcp(ZONE, PEER_IP, 80)).isFalse();
        assertThat(tcp(ZONE, PEER_IP, 443)).isTrue();
        assertThat(ping(ZONE, PEER_IP)).isFalse();
    }

    @Test
    void blockBeforeAllowOfEqualPriorityWins() {
        apply(in(false, "tcp", true, List.of(), ports(22)), in(true, "tcp", true, List.of(), ports(22)));
        assertThat(tcp(PEER, ZONE_IP, 22)).isFalse();
    }

    @Test
    void aChangeIsEnforcedAsSoonAsApplyReturns() {
        apply(in(true, "tcp", true, List.of(), ports(22)));
        assertThat(tcp(PEER, ZONE_IP, 22)).isTrue();
        long start = System.nanoTime();
        apply(in(false, "tcp", true, List.of(), ports(22)));
        long tookMs = (System.nanoTime() - start) / 1_000_000;
        assertThat(tcp(PEER, ZONE_IP, 22)).as("blocked right after apply").isFalse();
        // how fast is FirewallBench's to say (bench/README.md); this only catches an apply that leaves a change pending for seconds
        assertThat(tookMs).as("apply took %d ms", tookMs).isLessThan(5000);
    }

    @Test
    void thousandEntriesApplyInOneGoAndTheLastStillMatches() {
        List<FirewallEntry> entries = new ArrayList<>();
        for (int i = 0; i < 999; i++) {
            entries.add(in(true, "tcp", false, List.of("10." + (i / 250) + "." + (i % 250) + ".0/24", "198.51.100." + (i % 250)),
                    List.of(new PortRange(1000 + i, 1000 + i), new PortRange(30000, 30010))));
        }
        entries.add(in(true, "tcp", false, List.of(PEER_IP), ports(80)));
        MachineFirewall fw = new MachineFirewall(UUID.randomUUID(), true, entries);
        firewall.apply(ZONE, fw); // warm: the first nft run loads its caches
        long start = System.nanoTime();
        firewall.apply(ZONE, fw);
        long tookMs = (System.nanoTime() - start) / 1_000_000;
        long renderStart = System.nanoTime();
        String script = ZoneFirewallScript.render(fw);
        long renderMs = (System.nanoTime() - renderStart) / 1_000_000;
        System.out.printf("ZoneFirewallTest: 1,000 entries applied in %d ms (rendered in %d ms, %d characters)%n", tookMs, renderMs,
                script.length());
        // printed above for a look (about 100-500 ms on this 2-core machine); only a pathological apply (an nft run
        // per entry, say) is caught here, with room for a busy host
        assertThat(tookMs).as("1,000 entries applied in %d ms", tookMs).isLessThan(5000);
        assertThat(tcp(PEER, ZONE_IP, 80)).as("the last entry still matches").isTrue();
        assertThat(tcp(PEER, ZONE_IP, 22)).isFalse();
    }

    private void apply(FirewallEntry... entries) {
        firewall.apply(ZONE, new MachineFirewall(UUID.randomUUID(), true, List.of(entries)));
    }

    private static FirewallEntry in(boolean allow, String protocol, boolean anyPeer, List<String> peers, List<PortRange> ports) {
        return new FirewallEntry(Direction.IN, allow, protocol, anyPeer, peers, ports, List.of(), 0, UUID.randomUUID());
    }

    private static FirewallEntry out(boolean allow, String protocol, boolean anyPeer, List<String> peers, List<PortRange> ports) {
        return new FirewallEntry(Direction.OUT, allow, protocol, anyPeer, peers, ports, List.of(), 0, UUID.randomUUID());
    }

    private static List<PortRange> ports(int port) {
        return List.of(new PortRange(port, port));
    }

    private static void listen(String ns, int port) {
        try {
            listeners.add(new ProcessBuilder("ip", "netns", "exec", ns, "busybox", "nc", "-ll", "-p", Integer.toString(port),
                    "-e", "/bin/true")
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static boolean tcp(String fromNs, String ip, int port) {
        return Cmd.run("ip", "netns", "exec", fromNs, "timeout", "0.4", "busybox", "nc", ip, Integer.toString(port)).ok();
    }

    private static boolean ping(String fromNs, String ip) {
        return Cmd.run("ip", "netns", "exec", fromNs, "timeout", "0.4", "busybox", "ping", "-c1", "-W1", ip).ok();
    }

    /** Sends one datagram and says whether the receiving namespace's socket layer got it (its counter went up). */
    private static boolean udpArrives(String fromNs, String toNs, String ip, int port) {
        long before = udpCount(toNs, port);
        // a datagram the sender's own output chain drops fails with EPERM: that is the block, not a test error
        Cmd.run("ip", "netns", "exec", fromNs, "bash", "-c", "echo probe > /dev/udp/" + ip + "/" + port);
        long deadline = System.nanoTime() + 300_000_000L;
        while (System.nanoTime() < deadline) {
            if (udpCount(toNs, port) > before) {
                return true;
            }
        }
        return false;
    }

    private static long udpCount(String ns, int port) {
        String chain = Cmd.check("ip", "netns", "exec", ns, "nft", "list", "chain", "inet", "probe", "input").stdout();
        for (String line : chain.lines().toList()) {
            if (line.contains("udp dport " + port + " ")) {
                String[] words = line.strip().split("\\s+");
                for (int i = 0; i < words.length - 1; i++) {
                    if (words[i].equals("packets")) {
                        return Long.parseLong(words[i + 1]);
                    }
                }
            }
        }
        throw new AssertionError("no counter for udp " + port + " in " + chain);
    }
}
