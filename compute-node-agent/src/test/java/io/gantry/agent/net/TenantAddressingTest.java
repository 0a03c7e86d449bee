package io.gantry.agent.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gantry.common.ErrorCode;
import io.gantry.common.GantryException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TenantAddressingTest {

    @Test
    void eachTenantGetsItsOwnSubnetAndKeepsIt() {
        Map<String, Integer> numbers = new HashMap<>();
        int acme = TenantAddressing.tenantNumber(numbers, "acme");
        numbers.put("acme", acme);
        int beta = TenantAddressing.tenantNumber(numbers, "beta");
        numbers.put("beta", beta);
        assertThat(acme).isNotEqualTo(beta);
        assertThat(TenantAddressing.tenantNumber(numbers, "acme")).isEqualTo(acme);
        assertThat(TenantAddressing.subnet(beta)).isEqualTo("10.200." + beta + ".0/24");
    }

    @Test
    void aFreedTenantNumberIsReused() {
        Map<String, Integer> numbers = new HashMap<>(Map.of("a", 0, "c", 2));
        assertThat(TenantAddressing.tenantNumber(numbers, "b")).isEqualTo(1);
    }

    @Test
    void zonesTakeTheLowestFreeAddressFromDotTwo() {
        assertThat(TenantAddressing.pickAddress(3, Set.of())).isEqualTo("10.200.3.2");
        assertThat(TenantAddressing.pickAddress(3, Set.of("10.200.3.2", "10.200.3.4"))).isEqualTo("10.200.3.3");
    }

    @Test
    void aFullSubnetIsRefusedWithQuotaExceeded() {
        Set<String> taken = new HashSet<>();
        for (int h = 2; h <= 254; h++) {
            taken.add("10.200.7." + h);
        }
        assertThatThrownBy(() -> TenantAddressing.pickAddress(7, taken))
                .hasMessageContaining("10.200.7.0/24 has no free address")
                .extracting(e -> ((GantryException) e).code()).isEqualTo(ErrorCode.QuotaExceeded);
    }

    @Test
    void aNodeHostsAtMost256TenantNetworks() {
        Map<String, Integer> numbers = new HashMap<>();
        for (int i = 0; i < TenantAddressing.MAX_TENANTS; i++) {
            numbers.put("t" + i, i);
        }
        assertThatThrownBy(() -> TenantAddressing.tenantNumber(numbers, "one-more")).hasMessageContaining("256 tenant networks");
    }

    @Test
    void bridgeNamesFitTheKernelsLimitAndDifferPerTenant() {
        assertThat(NodeNetwork.bridgeName("acme")).hasSizeLessThanOrEqualTo(15).startsWith("gb");
        assertThat(NodeNetwork.bridgeName("acme")).isEqualTo(NodeNetwork.bridgeName("acme")).isNotEqualTo(NodeNetwork.bridgeName("beta"));
    }

    @Test
    void aMovedZoneKeepsItsAddressInTheTenantsSubnetHere() {
        assertThat(TenantAddressing.claim(Map.of("acme", 3), "acme", "10.200.3.7", Set.of("10.200.3.2"))).isEqualTo(3);
    }

    @Test
    void aTenantNewHereTakesTheSubnetOfTheAddressIfNoOtherTenantHasIt() {
        assertThat(TenantAddressing.claim(Map.of("beta", 0), "acme", "10.200.5.2", Set.of())).isEqualTo(5);
    }

    @Test
    void aMovedAddressOutsideTheTenantsSubnetHereIsRefusedSayingWhy() {
        assertThatThrownBy(() -> TenantAddressing.claim(Map.of("acme", 1), "acme", "10.200.0.2", Set.of()))
                .isInstanceOf(GantryException.class).hasMessage("address 10.200.0.2 cannot move here: the tenant's subnet on this node is 10.200.1.0/24")
                .extracting(e -> ((GantryException) e).code()).isEqualTo(ErrorCode.InvalidState);
        assertThatThrownBy(() -> TenantAddressing.claim(Map.of("beta", 0), "acme", "10.200.0.2", Set.of()))
                .hasMessage("address 10.200.0.2 cannot move here: its subnet 10.200.0.0/24 belongs to another tenant on this node");
        assertThatThrownBy(() -> TenantAddressing.claim(Map.of("acme", 0), "acme", "10.200.0.2", Set.of("10.200.0.2")))
                .hasMessage("address 10.200.0.2 cannot move here: a zone on this node already has it");
    }

    @Test
    void somethingThatIsNotAZonesAddressIsRefused() {
        for (String bad : new String[] {"10.201.0.2", "10.200.0.1", "10.200.0.255", "10.200.256.2", "10.200.01.2", "x", ""}) {
            assertThatThrownBy(() -> TenantAddressing.claim(new HashMap<>(), "acme", bad, new HashSet<>())).as(bad)
                    .hasMessageContaining("is not a zone's address");
        }
    }
}
