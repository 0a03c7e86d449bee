package io.gantry.common.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.gantry.common.ErrorCode;
import io.gantry.common.GantryException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The subnet arithmetic the control plane refuses and allocates by, checked against plain interval arithmetic. */
class Ipv4CidrProperties {

    @Provide
    Arbitrary<Ipv4Cidr> subnets() {
        return Combinators.combine(Arbitraries.longs().between(0, 0xFFFFFFFFL), Arbitraries.integers().between(0, 32))
                .as((address, prefix) -> new Ipv4Cidr(address & Ipv4Cidr.mask(prefix), prefix));
    }

    @Provide
    Arbitrary<Long> addresses() {
        return Arbitraries.longs().between(0, 0xFFFFFFFFL);
    }

    @Property
    void anAddressReadsBackAsItself(@ForAll("addresses") long address) {
        assertThat(Ipv4.parse(Ipv4.format(address), "ip")).isEqualTo(address);
    }

    @Property
    void aSubnetReadsBackAsItself(@ForAll("subnets") Ipv4Cidr subnet) {
        assertThat(Ipv4Cidr.parse(subnet.toString())).isEqualTo(subnet);
    }

    @Property
    void anAddressWithHostBitsIsNoSubnet(@ForAll("subnets") Ipv4Cidr subnet, @ForAll("addresses") long address) {
        long inside = subnet.network() | (address & ~subnet.mask() & 0xFFFFFFFFL);
        Throwable thrown = catchThrowable(() -> Ipv4Cidr.parse(Ipv4.format(inside) + "/" + subnet.prefix()));
        if (inside == subnet.network()) {
            assertThat(thrown).isNull();
        } else {
            assertThat(thrown).isInstanceOf(GantryException.class).hasMessageContaining("not a network address");
            assertThat(((GantryException) thrown).code()).isEqualTo(ErrorCode.InvalidArgument);
        }
    }

    @Property
    void containsIsTheIntervalFromNetworkToBroadcast(@ForAll("subnets") Ipv4Cidr subnet, @ForAll("addresses") long address) {
        assertThat(subnet.contains(address)).isEqualTo(address >= subnet.network() && address <= subnet.broadcast());
        assertThat(subnet.broadcast() - subnet.network() + 1).isEqualTo(subnet.size());
        assertThat(subnet.isHost(address)).isEqualTo(subnet.contains(address) && address != subnet.network() && address != subnet.broadcast());
    }

    @Property
    void subnetsOverlapExactlyWhenTheirIntervalsMeet(@ForAll("subnets") Ipv4Cidr a, @ForAll("subnets") Ipv4Cidr b) {
        boolean meet = a.network() <= b.broadcast() && b.network() <= a.broadcast();
        assertThat(a.overlaps(b)).isEqualTo(meet).isEqualTo(b.overlaps(a));
        assertThat(a.contains(b)).isEqualTo(b.network() >= a.network() && b.broadcast() <= a.broadcast());
    }

    @Property
    void anyTextIsAnAddressOrAnInvalidArgument(@ForAll String text) {
        Throwable thrown = catchThrowable(() -> Ipv4Cidr.parse(text));
        if (thrown != null) {
            assertThat(thrown).isInstanceOf(GantryException.class);
            assertThat(((GantryException) thrown).code()).isEqualTo(ErrorCode.InvalidArgument);
        }
    }
}
