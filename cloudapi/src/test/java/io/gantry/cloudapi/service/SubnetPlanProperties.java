package io.gantry.cloudapi.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.gantry.common.GantryException;
import io.gantry.common.net.Ipv4;
import io.gantry.common.net.Ipv4Cidr;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** A network's numbering rules and the allocator's pick, against their definitions. */
class SubnetPlanProperties {

    /** A /22 to /30 in 10/8 with a provision range inside it and maybe a gateway. */
    @Provide
    Arbitrary<SubnetPlan> plans() {
        return Arbitraries.integers().between(22, 30).flatMap(prefix -> {
            long size = 1L << (32 - prefix);
            return Combinators.combine(Arbitraries.longs().between(0, (1L << 24) / size - 1),
                            Arbitraries.longs().between(1, size - 2), Arbitraries.longs().between(1, size - 2),
                            Arbitraries.longs().between(0, size - 2))
                    .as((block, a, b, g) -> {
                        Ipv4Cidr subnet = new Ipv4Cidr(Ipv4.parse("10.0.0.0", "ip") + block * size, prefix);
                        return new SubnetPlan(subnet, subnet.network() + Math.min(a, b), subnet.network() + Math.max(a, b),
                                g == 0 ? null : subnet.network() + g);
                    });
        });
    }

    @Property
    void theLowestFreeAddressIsTheFirstOfTheRangeNotTakenAndNotTheGateway(@ForAll("plans") SubnetPlan plan,
                                                                       @ForAll("takenFractions") List<Double> picks) {
        Set<Long> taken = new HashSet<>();
        long span = plan.end() - plan.start() + 1;
        picks.forEach(f -> taken.add(plan.start() + (long) (f * span)));
        long free = plan.lowestFree(taken);
        if (free < 0) {
            for (long a = plan.start(); a <= plan.end(); a++) {
                assertThat(taken.contains(a) || Long.valueOf(a).equals(plan.gateway())).isTrue();
            }
            return;
        }
        assertThat(free).isBetween(plan.start(), plan.end());
        assertThat(taken).doesNotContain(free);
        assertThat(free).isNotEqualTo(plan.gateway());
        assertThat(plan.assignable(free)).isTrue();
        for (long a = plan.start(); a < free; a++) {
            assertThat(taken.contains(a) || Long.valueOf(a).equals(plan.gateway())).isTrue();
        }
    }

    @Provide
    Arbitrary<List<Double>> takenFractions() {
        return Arbitraries.doubles().between(0, 0.999).ofScale(3).list().ofMaxSize(80);
    }

    @Property
    void aFabricSubnetIsAcceptedExactlyWhenItIsPrivateAndSlash8ToSlash30(@ForAll("anySubnet") Ipv4Cidr subnet) {
        long first = subnet.network() + 1;
        long last = subnet.broadcast() - 1;
        Throwable thrown = catchThrowable(() -> SubnetPlan.of(subnet.toString(), Ipv4.format(first), Ipv4.format(last), null, true));
        boolean fits = subnet.prefix() >= 8 && subnet.prefix() <= 30 && SubnetPlan.PRIVATE.stream().anyMatch(p -> p.contains(subnet));
        if (fits) {
            assertThat(thrown).isNull();
        } else {
            assertThat(thrown).isInstanceOf(GantryException.class);
        }
    }

    @Provide
    Arbitrary<Ipv4Cidr> anySubnet() {
        Arbitrary<Long> near = Arbitraries.of("10.0.0.0", "172.16.0.0", "172.31.255.0", "172.32.0.0", "192.168.0.0", "192.169.0.0",
                "11.0.0.0", "9.255.255.0").map(a -> Ipv4.parse(a, "ip"));
        return Combinators.combine(Arbitraries.oneOf(near, Arbitraries.longs().between(0, 0xFFFFFFFFL)), Arbitraries.integers().between(4, 32))
                .as((a, prefix) -> new Ipv4Cidr(a & (prefix == 0 ? 0 : (0xFFFFFFFFL << (32 - prefix)) & 0xFFFFFFFFL), prefix));
    }

    @Property
    void aRangeOrGatewayOutsideTheSubnetIsRefused(@ForAll("plans") SubnetPlan plan, @ForAll("outside") long offset) {
        long outside = plan.subnet().broadcast() + offset;
        String subnet = plan.subnet().toString();
        String start = Ipv4.format(plan.start());
        String end = Ipv4.format(plan.end());
        assertThat(catchThrowable(() -> SubnetPlan.of(subnet, start, Ipv4.format(outside), null, true))).hasMessageContaining("outside");
        assertThat(catchThrowable(() -> SubnetPlan.of(subnet, start, end, Ipv4.format(outside), true))).hasMessageContaining("outside");
        Throwable reversed = catchThrowable(() -> SubnetPlan.of(subnet, end, start, null, true));
        if (plan.start() == plan.end()) {
            assertThat(reversed).isNull();
        } else {
            assertThat(reversed).hasMessageContaining("is after");
        }
    }

    @Provide
    Arbitrary<Long> outside() {
        return Arbitraries.longs().between(1, 1000);
    }
}
