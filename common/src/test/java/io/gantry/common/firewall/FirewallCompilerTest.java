package io.gantry.common.firewall;

import static org.assertj.core.api.Assertions.assertThat;

import io.gantry.common.firewall.FirewallCompiler.Machine;
import io.gantry.common.firewall.FirewallCompiler.Rule;
import io.gantry.common.net.TenantNetView.Direction;
import io.gantry.common.net.TenantNetView.FirewallEntry;
import io.gantry.common.net.TenantNetView.IcmpMatch;
import io.gantry.common.net.TenantNetView.MachineFirewall;
import io.gantry.common.net.TenantNetView.PortRange;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class FirewallCompilerTest {
    private final Machine web = new Machine(UUID.randomUUID(), List.of("192.168.128.5"), Map.of("role", "web"), true);
    private final Machine db = new Machine(UUID.randomUUID(), List.of("192.168.128.6", "10.0.0.6"), Map.of("role", "db"), true);
    private final Machine open = new Machine(UUID.randomUUID(), List.of("192.168.128.7"), Map.of("role", "web"), false);
    private final List<Machine> machines = List.of(web, db, open);

    private static Rule rule(String text) {
        return new Rule(UUID.randomUUID(), text, true);
    }

    private MachineFirewall of(List<MachineFirewall> compiled, Machine m) {
        return compiled.stream().filter(f -> f.machine().equals(m.id())).findFirst().orElseThrow();
    }

    @Test
    void anyToAllVmsGivesEveryFirewalledMachineAnInboundAllow() {
        Rule r = rule("FROM any TO all vms ALLOW tcp PORT 22");
        List<MachineFirewall> compiled = FirewallCompiler.compile(machines, List.of(r));
        assertThat(of(compiled, web).rules()).containsExactly(new FirewallEntry(Direction.IN, true, "tcp", true, List.of(),
                List.of(new PortRange(22, 22)), List.of(), 0, r.id()));
        assertThat(of(compiled, db).rules()).hasSize(1);
        assertThat(of(compiled, open)).isEqualTo(new MachineFirewall(open.id(), false, List.of()));
    }

    @Test
    void tagOnTheFromSideBecomesTheAddressesOfTheTaggedMachines() {
        Rule r = rule("FROM tag role = web TO tag role = db ALLOW tcp PORTS 5432, 6000-6010");
        List<MachineFirewall> compiled = FirewallCompiler.compile(machines, List.of(r));
        FirewallEntry in = of(compiled, db).rules().get(0);
        assertThat(in.direction()).isEqualTo(Direction.IN);
        assertThat(in.anyPeer()).isFalse();
        assertThat(in.peers()).as("web machines, firewall on or off").containsExactly("192.168.128.5", "192.168.128.7");
        assertThat(in.ports()).containsExactly(new PortRange(5432, 5432), new PortRange(6000, 6010));
        FirewallEntry out = of(compiled, web).rules().get(0);
        assertThat(out.direction()).as("the web machine is on the FROM side").isEqualTo(Direction.OUT);
        assertThat(out.peers()).containsExactly("10.0.0.6", "192.168.128.6");
    }

    @Test
    void vmIpAndSubnetTargetsBecomePeers() {
        Rule r = rule("FROM (vm " + db.id() + " OR ip 172.16.0.9 OR subnet 10.1.2.3/16) TO vm " + web.id() + " BLOCK icmp TYPE 8 CODE 0");
        FirewallEntry e = of(FirewallCompiler.compile(machines, List.of(r)), web).rules().get(0);
        assertThat(e.allow()).isFalse();
        assertThat(e.peers()).containsExactly("10.0.0.6", "10.1.0.0/16", "172.16.0.9", "192.168.128.6");
        assertThat(e.icmp()).containsExactly(new IcmpMatch(8, 0));
        assertThat(of(FirewallCompiler.compile(machines, List.of(r)), db).rules())
                .as("db is named on the FROM side: an outbound entry to web").singleElement()
                .satisfies(o -> assertThat(o.peers()).containsExactly("192.168.128.5"));
    }

    @Test
    void aTagNoMachineHasMatchesNothing() {
        Rule r = rule("FROM tag role = cache TO all vms ALLOW tcp PORT 11211");
        FirewallEntry e = of(FirewallCompiler.compile(machines, List.of(r)), web).rules().get(0);
        assertThat(e.anyPeer()).isFalse();
        assertThat(e.peers()).isEmpty();
    }

    @Test
    void disabledAndUnreadableRulesAreIgnored() {
        List<MachineFirewall> compiled = FirewallCompiler.compile(machines, List.of(
                new Rule(UUID.randomUUID(), "FROM any TO all vms ALLOW tcp PORT 22", false),
                new Rule(UUID.randomUUID(), "FROM any TO nowhere", true)));
        assertThat(of(compiled, web).rules()).isEmpty();
        assertThat(of(compiled, web).enabled()).isTrue();
    }

    @Test
    void blockComesBeforeAllowOfEqualPriority() {
        Rule allow = rule("FROM any TO all vms ALLOW tcp PORT 80");
        Rule block = rule("FROM ip 10.9.9.9 TO tag role = web BLOCK tcp PORT 80");
        assertThat(of(FirewallCompiler.compile(machines, List.of(allow, block)), web).rules())
                .extracting(FirewallEntry::allow).containsExactly(false, true);
    }

    @Test
    void aSubnetIsWrittenAsItsNetwork() {
        assertThat(FirewallCompiler.network("10.1.2.3", 16)).isEqualTo("10.1.0.0/16");
        assertThat(FirewallCompiler.network("10.1.2.3", 32)).isEqualTo("10.1.2.3/32");
        assertThat(FirewallCompiler.network("fd00::1", 64)).isEqualTo("fd00:0:0:0:0:0:0:0/64");
    }

    @Test
    void aThousandRulesOverThirtyMachinesCompileQuickly() {
        List<Machine> many = new java.util.ArrayList<>();
        for (int i = 0; i < 30; i++) {
            many.add(new Machine(UUID.randomUUID(), List.of("192.168." + (128 + i / 250) + "." + (i % 250 + 2)),
                    Map.of("role", i % 2 == 0 ? "web" : "db"), true));
        }
        List<Rule> rules = new java.util.ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            rules.add(rule("FROM tag role = web TO tag role = db ALLOW tcp PORT " + (1000 + i)));
        }
        long cold = System.nanoTime();
        FirewallCompiler.compile(many, rules); // the first run pays for class loading and the interpreter
        long coldMs = (System.nanoTime() - cold) / 1_000_000;
        long start = System.nanoTime();
        List<MachineFirewall> compiled = FirewallCompiler.compile(many, rules);
        long ms = (System.nanoTime() - start) / 1_000_000;
        System.out.printf("FirewallCompilerTest: 1,000 rules x 30 machines compiled in %d ms (the first time %d ms)%n", ms, coldMs);
        assertThat(compiled.get(1).rules()).as("a db machine: 1,000 inbound entries from the 15 web machines").hasSize(1000)
                .allSatisfy(e -> assertThat(e.peers()).hasSize(15));
        assertThat(compiled.get(0).rules()).as("a web machine: 1,000 outbound entries").hasSize(1000);
        assertThat(ms).isLessThan(1000);
    }
}
