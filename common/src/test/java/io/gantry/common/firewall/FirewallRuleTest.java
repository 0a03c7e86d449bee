package io.gantry.common.firewall;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gantry.common.ErrorCode;
import io.gantry.common.GantryException;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FirewallRuleTest {
    private static final UUID VM = UUID.fromString("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0");

    @ParameterizedTest
    @ValueSource(strings = {
            "FROM any TO all vms ALLOW tcp PORT 22",
            "from any to all vms allow tcp port 22",
            "FROM all vms TO any BLOCK udp PORTS 1000-2000",
            "FROM vm 0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0 TO tag role ALLOW tcp PORT all",
            "FROM tag role=web TO tag \"my tag\" = \"a \\\"b\\\"\" ALLOW tcp PORTS 80, 443, 8000-8100",
            "FROM ip 10.0.0.1 TO subnet 192.168.0.0/16 ALLOW icmp TYPE 8",
            "FROM ip fd00::1 TO subnet fd00::/64 ALLOW icmp6 TYPE 128 CODE 0",
            "FROM (ip 10.0.0.1 OR tag db) TO (vm 0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0 OR all vms) ALLOW tcp (PORT 80 AND PORT 443)",
            "FROM any TO all vms ALLOW icmp (TYPE 8 AND TYPE 0 CODE 0)",
            "FROM any TO all vms ALLOW icmp TYPE all",
            "FROM any TO all vms ALLOW tcp PORTS 1-65535"})
    void tritonsRuleFormsAreAcceptedAndReadBackFromTheirCanonicalText(String text) {
        FirewallRule rule = FirewallRule.parse(text);
        assertThat(FirewallRule.parse(rule.toString())).isEqualTo(rule);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "FROM any TO all vms ALLOW tcp PORT 0",
            "FROM any TO all vms ALLOW tcp PORT 65536",
            "FROM any TO all vms ALLOW tcp PORT 99999999999",
            "FROM any TO all vms ALLOW tcp PORT -1",
            "FROM any TO all vms ALLOW tcp PORTS 200-100",
            "FROM any TO all vms ALLOW icmp TYPE 256",
            "FROM x TO y ALLOW tcp z",
            "FROM any TO all vms ALLOW tcp PORT 22 extra",
            "FROM ip 10.0.0.256 TO any ALLOW tcp PORT 1",
            "FROM ip example.com TO any ALLOW tcp PORT 1",
            "FROM subnet 10.0.0.0/33 TO any ALLOW tcp PORT 1",
            "FROM vm 1-1-1-1-1 TO any ALLOW tcp PORT 1",
            "FROM (any OR TO any ALLOW tcp PORT 1",
            "FROM tag \"open TO any ALLOW tcp PORT 1"})
    void whatTheOldPatternLetThroughIsRefusedAsInvalidArgument(String text) {
        // the old check was FROM .+ TO .+ (ALLOW|BLOCK) proto .+: any words, any port number
        assertThatThrownBy(() -> FirewallRule.parse(text)).isInstanceOf(GantryException.class)
                .satisfies(e -> assertThat(((GantryException) e).code()).isEqualTo(ErrorCode.InvalidArgument))
                .hasMessageStartingWith("rule '");
    }

    @Test
    void aRuleNamesAMachineByIdAllVmsOrAWholeTagNameAndValue() {
        assertThat(FirewallRule.parse("FROM any TO all vms ALLOW tcp PORT 22").names(VM, Map.of())).isTrue();
        assertThat(FirewallRule.parse("FROM vm " + VM + " TO any ALLOW tcp PORT 22").names(VM, Map.of())).isTrue();
        assertThat(FirewallRule.parse("FROM any TO any ALLOW tcp PORT 22").names(VM, Map.of())).isFalse();
        // the old text match took "tag a-b" for tag a, and ignored the value
        assertThat(FirewallRule.parse("FROM any TO tag a-b ALLOW tcp PORT 22").names(VM, Map.of("a", true))).isFalse();
        assertThat(FirewallRule.parse("FROM any TO tag role = web ALLOW tcp PORT 22").names(VM, Map.of("role", "db"))).isFalse();
        assertThat(FirewallRule.parse("FROM any TO tag role = web ALLOW tcp PORT 22").names(VM, Map.of("role", "web"))).isTrue();
        assertThat(FirewallRule.parse("FROM any TO tag Role ALLOW tcp PORT 22").names(VM, Map.of("role", 1))).isTrue();
    }

    @Test
    void theCanonicalTextQuotesTagsAndListsPorts() {
        FirewallRule rule = FirewallRule.parse("from (tag role=web or ip 010.0.0.1) to all vms allow TCP ports 80,8000-8100");
        assertThat(rule.toString()).isEqualTo("FROM (tag \"role\" = \"web\" OR ip 10.0.0.1) TO all vms ALLOW tcp PORTS 80, 8000-8100");
        assertThat(rule.ports()).containsExactly(new FirewallRule.PortRange(80, 80), new FirewallRule.PortRange(8000, 8100));
        assertThat(rule.from()).hasSize(2);
        assertThat(rule.to()).isEqualTo(List.of(new FirewallRule.AllVms()));
    }
}
