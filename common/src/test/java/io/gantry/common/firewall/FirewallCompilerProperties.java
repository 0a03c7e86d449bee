package io.gantry.common.firewall;

import static org.assertj.core.api.Assertions.assertThat;

import io.gantry.common.firewall.FirewallCompiler.Machine;
import io.gantry.common.firewall.FirewallCompiler.Rule;
import io.gantry.common.net.TenantNetView.FirewallEntry;
import io.gantry.common.net.TenantNetView.MachineFirewall;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class FirewallCompilerProperties {

    @Property(tries = 200)
    void aMachineWithItsFirewallOffGetsNoEntries(@ForAll("machines") List<Machine> machines, @ForAll("rules") List<Rule> rules) {
        List<MachineFirewall> compiled = FirewallCompiler.compile(machines, rules);
        assertThat(compiled).hasSize(machines.size());
        for (int i = 0; i < machines.size(); i++) {
            assertThat(compiled.get(i).machine()).isEqualTo(machines.get(i).id());
            assertThat(compiled.get(i).enabled()).isEqualTo(machines.get(i).firewallEnabled());
            if (!machines.get(i).firewallEnabled()) {
                assertThat(compiled.get(i).rules()).isEmpty();
            }
        }
    }

    @Property(tries = 200)
    void aBlockNeverFollowsAnAllowOfEqualOrLowerPriority(@ForAll("machines") List<Machine> machines, @ForAll("rules") List<Rule> rules) {
        for (MachineFirewall fw : FirewallCompiler.compile(machines, rules)) {
            List<FirewallEntry> entries = fw.rules();
            for (int i = 1; i < entries.size(); i++) {
                FirewallEntry before = entries.get(i - 1);
                FirewallEntry after = entries.get(i);
                assertThat(before.priority()).isGreaterThanOrEqualTo(after.priority());
                if (before.priority() == after.priority() && before.direction() == after.direction()) {
                    assertThat(before.allow() && !after.allow()).as("ALLOW %s before BLOCK %s", before, after).isFalse();
                }
            }
        }
    }

    @Property(tries = 200)
    void disabledRulesChangeNothing(@ForAll("machines") List<Machine> machines, @ForAll("rules") List<Rule> rules) {
        List<Rule> withDisabled = new ArrayList<>(rules);
        for (Rule r : rules) {
            withDisabled.add(new Rule(UUID.randomUUID(), r.text(), false));
        }
        assertThat(FirewallCompiler.compile(machines, withDisabled)).isEqualTo(FirewallCompiler.compile(machines, rules));
    }

    @Property(tries = 200)
    void peersAreOnlyAddressesTheRulesOrTheMachinesName(@ForAll("machines") List<Machine> machines, @ForAll("rules") List<Rule> rules) {
        List<String> known = new ArrayList<>(List.of("172.16.0.9", "10.1.0.0/16"));
        machines.forEach(m -> known.addAll(m.ips()));
        for (MachineFirewall fw : FirewallCompiler.compile(machines, rules)) {
            for (FirewallEntry e : fw.rules()) {
                assertThat(known).containsAll(e.peers());
                if (e.anyPeer()) {
                    assertThat(e.peers()).isEmpty();
                }
            }
        }
    }

    @Provide
    Arbitrary<List<Machine>> machines() {
        Arbitrary<Machine> machine = Combinators.combine(
                Arbitraries.integers().between(2, 250).list().ofMaxSize(2),
                Arbitraries.of("web", "db", "cache"),
                Arbitraries.of(true, false)).as((hosts, role, on) -> new Machine(UUID.randomUUID(),
                hosts.stream().map(h -> "192.168.128." + h).toList(), Map.of("role", role), on));
        return machine.list().ofMaxSize(6);
    }

    @Provide
    Arbitrary<List<Rule>> rules() {
        Arbitrary<String> target = Arbitraries.of("any", "all vms", "tag role = web", "tag role = db", "tag role",
                "ip 172.16.0.9", "subnet 10.1.0.0/16");
        Arbitrary<String> text = Combinators.combine(target, target, Arbitraries.of("ALLOW", "BLOCK"),
                Arbitraries.of("tcp PORT 22", "udp PORTS 53, 5000-5010", "icmp TYPE 8", "tcp PORT all"))
                .as((from, to, action, what) -> "FROM " + from + " TO " + to + " " + action + " " + what);
        return Combinators.combine(text, Arbitraries.of(true, false))
                .as((t, enabled) -> new Rule(UUID.randomUUID(), t, enabled)).list().ofMaxSize(8);
    }
}
