package io.gantry.agent.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gantry.common.GantryException;
import io.gantry.common.net.TenantNetView.Direction;
import io.gantry.common.net.TenantNetView.FirewallEntry;
import io.gantry.common.net.TenantNetView.IcmpMatch;
import io.gantry.common.net.TenantNetView.MachineFirewall;
import io.gantry.common.net.TenantNetView.PortRange;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ZoneFirewallScriptTest {

    private static String render(FirewallEntry... entries) {
        return ZoneFirewallScript.render(new MachineFirewall(UUID.randomUUID(), true, List.of(entries)));
    }

    private static FirewallEntry entry(Direction d, boolean allow, String protocol, List<String> peers, List<PortRange> ports) {
        return new FirewallEntry(d, allow, protocol, peers.isEmpty(), peers, ports, List.of(), 0, UUID.randomUUID());
    }

    @Test
    void aDisabledFirewallRemovesTheTable() {
        assertThat(ZoneFirewallScript.render(new MachineFirewall(UUID.randomUUID(), false, List.of())))
                .isEqualTo("add table inet gantry_fw\ndelete table inet gantry_fw\n");
    }

    @Test
    void anEnabledFirewallWithoutEntriesDeniesInboundAndAllowsOutbound() {
        String script = render();
        assertThat(script).startsWith("add table inet gantry_fw\ndelete table inet gantry_fw\ntable inet gantry_fw {")
                .contains("type filter hook input priority 0; policy drop;", "ct state established,related accept", "iif lo accept",
                        "type filter hook output priority 0; policy accept;")
                .doesNotContain("set ");
    }

    @Test
    void overlappingPeersAndPortsOfOneRunBecomeOneSetOfDisjointElements() {
        String script = render(
                entry(Direction.IN, true, "tcp", List.of("10.0.0.0/24"), List.of(new PortRange(80, 90))),
                entry(Direction.IN, true, "tcp", List.of("10.0.0.5"), List.of(new PortRange(85, 100))));
        assertThat(script).contains("set in0_tcp4 { type ipv4_addr . inet_service; flags interval; elements = { "
                + "10.0.0.0-10.0.0.4 . 80-90, 10.0.0.5 . 80-100, 10.0.0.6-10.0.0.255 . 80-90 } }");
        assertThat(script).contains("ip saddr . tcp dport @in0_tcp4 accept");
    }

    @Test
    void aVerdictChangeStartsANewSetSoOrderIsKept() {
        String script = render(
                entry(Direction.IN, false, "tcp", List.of("10.0.0.5"), List.of(new PortRange(22, 22))),
                entry(Direction.IN, true, "tcp", List.of(), List.of(new PortRange(22, 22))),
                entry(Direction.OUT, false, "udp", List.of("fd00::/64"), List.of()));
        assertThat(script.indexOf("@in0_tcp4 drop")).isPositive().isLessThan(script.indexOf("@in1_tcp4 accept"));
        assertThat(script).contains("ip6 saddr . tcp dport @in1_tcp6 accept", "ip6 daddr . udp dport @out0_udp6 drop",
                "fd00:0:0:0:0:0:0:0-fd00:0:0:0:ffff:ffff:ffff:ffff . 0-65535");
    }

    @Test
    void icmpTypesAndCodesBecomeTypeAndCodeKeys() {
        String script = render(new FirewallEntry(Direction.IN, true, "icmp", true, List.of(), List.of(),
                List.of(new IcmpMatch(8, null), new IcmpMatch(3, 4)), 0, null));
        assertThat(script).contains("0.0.0.0-255.255.255.255 . 3 . 4, 0.0.0.0-255.255.255.255 . 8 . 0-255 }",
                "ip saddr . icmp type . icmp code @in0_icmp4 accept").doesNotContain("icmp6");
        assertThat(render(new FirewallEntry(Direction.IN, true, "icmp", true, List.of(), List.of(), List.of(), 0, null)))
                .contains("0.0.0.0-255.255.255.255 . 0-255 . 0-255");
    }

    @Test
    void aPeerThatIsNoAddressIsRefusedBeforeNftSeesIt() {
        assertThatThrownBy(() -> render(entry(Direction.IN, true, "tcp", List.of("1.2.3.4 } ; flush ruleset"), List.of())))
                .isInstanceOf(GantryException.class).hasMessageContaining("is not an IP address or CIDR");
        assertThatThrownBy(() -> render(entry(Direction.IN, true, "sctp", List.of(), List.of())))
                .hasMessageContaining("not tcp, udp, icmp or icmp6");
        assertThatThrownBy(() -> render(entry(Direction.IN, true, "tcp", List.of(), List.of(new PortRange(90, 80)))))
                .hasMessageContaining("not within 0-65535");
    }

    @Test
    void aTagNoMachineHasMakesNoRule() {
        assertThat(render(new FirewallEntry(Direction.IN, true, "tcp", false, List.of(), List.of(), List.of(), 0, null)))
                .doesNotContain("set ", "@in");
    }
}
