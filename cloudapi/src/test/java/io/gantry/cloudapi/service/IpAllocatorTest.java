package io.gantry.cloudapi.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gantry.cloudapi.store.NetworkRecord;
import io.gantry.cloudapi.store.NicRecord;
import io.gantry.common.GantryException;
import java.time.OffsetDateTime;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The allocator's choices once the networks' held addresses are read: no database, the rows given as they come back. */
class IpAllocatorTest {
    private static NetworkRecord network(String subnet, String start, String end, String gateway) {
        NetworkRecord n = new NetworkRecord();
        n.id = UUID.randomUUID();
        n.name = "net-" + subnet;
        n.subnet = subnet;
        n.provisionStartIp = start;
        n.provisionEndIp = end;
        n.gateway = gateway;
        return n;
    }

    @Test
    void eachNicGetsTheLowestAddressNeitherHeldNorGivenToAnEarlierNicOfTheSameMachine() {
        NetworkRecord a = network("10.0.0.0/29", "10.0.0.2", "10.0.0.6", "10.0.0.1");
        NetworkRecord b = network("10.0.1.0/29", "10.0.1.2", "10.0.1.6", "10.0.1.1");
        List<IpAllocator.Wanted> wanted = List.of(new IpAllocator.Wanted(a, null), new IpAllocator.Wanted(b, null),
                new IpAllocator.Wanted(a, null));
        List<NicRecord> nics = IpAllocator.draft(UUID.randomUUID(), UUID.randomUUID(), wanted, true, NicRecord.PROVISIONING, OffsetDateTime.now());
        List<UUID> order = IpAllocator.lockOrder(wanted);
        // held: .2 and .4 on a, .2 on b; a row of another network (found by its MAC only) holds no address here
        List<Object[]> rows = List.of(new Object[] {"10.0.0.2", a.id, "02:00:00:00:00:01"}, new Object[] {"10.0.0.4", a.id, "02:00:00:00:00:02"},
                new Object[] {"10.0.1.2", b.id, "02:00:00:00:00:03"}, new Object[] {"10.0.0.3", UUID.randomUUID(), "02:00:00:00:00:04"});

        boolean redraw = IpAllocator.assign(nics, wanted, IpAllocator.Held.of(order, rows));

        assertThat(nics).extracting(n -> n.ip).containsExactly("10.0.0.3", "10.0.1.3", "10.0.0.5");
        assertThat(nics.get(0).primaryNic).isTrue();
        assertThat(nics.get(1).primaryNic).isFalse();
        assertThat(order).hasSize(2).isSorted();
        assertThat(redraw).as("no drawn MAC was among the rows").isFalse();
    }

    @Test
    void aDrawnMacThatIsTakenIsDrawnAgainAndSaidSo() {
        NetworkRecord a = network("10.0.0.0/29", "10.0.0.2", "10.0.0.6", null);
        List<IpAllocator.Wanted> wanted = List.of(new IpAllocator.Wanted(a, null));
        List<NicRecord> nics = IpAllocator.draft(UUID.randomUUID(), UUID.randomUUID(), wanted, true, NicRecord.PROVISIONING, OffsetDateTime.now());
        String drawn = nics.get(0).mac;
        List<Object[]> rows = List.<Object[]>of(new Object[] {"10.0.2.9", UUID.randomUUID(), drawn});

        assertThat(IpAllocator.assign(nics, wanted, IpAllocator.Held.of(IpAllocator.lockOrder(wanted), rows))).isTrue();
        assertThat(nics.get(0).mac).isNotEqualTo(drawn);
        assertThat(nics.get(0).ip).isEqualTo("10.0.0.2");
    }

    @Test
    void anAskedAddressThatIsHeldOrAFullNetworkIsAClearRefusal() {
        NetworkRecord a = network("10.0.0.0/30", "10.0.0.1", "10.0.0.2", null);
        List<Object[]> full = List.of(new Object[] {"10.0.0.1", a.id, "02:00:00:00:00:01"}, new Object[] {"10.0.0.2", a.id, "02:00:00:00:00:02"});
        List<IpAllocator.Wanted> asked = List.of(new IpAllocator.Wanted(a, "10.0.0.2"));
        List<IpAllocator.Wanted> any = List.of(new IpAllocator.Wanted(a, null));

        assertThatThrownBy(() -> IpAllocator.assign(IpAllocator.draft(UUID.randomUUID(), UUID.randomUUID(), asked, true, "x", OffsetDateTime.now()),
                asked, IpAllocator.Held.of(List.of(a.id), full)))
                .isInstanceOf(GantryException.class).hasMessageContaining("10.0.0.2").hasMessageContaining("already in use");
        assertThatThrownBy(() -> IpAllocator.assign(IpAllocator.draft(UUID.randomUUID(), UUID.randomUUID(), any, true, "x", OffsetDateTime.now()),
                any, IpAllocator.Held.of(List.of(a.id), full)))
                .isInstanceOf(GantryException.class).hasMessageContaining("no free address");
    }

    @Test
    void macsAreLocallyAdministeredUnicastAndSpreadOverTheirFortyBits() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            String mac = IpAllocator.randomMac();
            assertThat(mac).matches("02(:[0-9a-f]{2}){5}");
            seen.add(mac);
        }
        assertThat(seen).as("10,000 draws of 2^40 values").hasSize(10_000);
        Set<Character> lastDigits = new HashSet<>();
        seen.forEach(m -> lastDigits.add(m.charAt(16)));
        assertThat(lastDigits).as("every hex digit appears in the last place").hasSize(16);
    }
}
