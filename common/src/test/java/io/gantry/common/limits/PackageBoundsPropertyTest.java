package io.gantry.common.limits;

import static org.assertj.core.api.Assertions.assertThat;

import io.gantry.common.Package;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;

/** For any package in its range and any node, the check never overflows and agrees with exact arithmetic. */
class PackageBoundsPropertyTest {

    @Property(tries = 3000)
    void theCheckAgreesWithExactArithmetic(@ForAll("packages") Package pkg, @ForAll("nodes") NodeLimits node,
                                           @ForAll @LongRange(min = 0, max = Package.MAX_SIZE_MiB) long diskHeld) {
        boolean fits = exactlyAtMost(pkg.memoryMiB(), node.memoryMiB(), node.ratios().memory())
                && exactlyAtMost(pkg.swapMiB(), BigInteger.valueOf(node.memoryMiB()).add(BigInteger.valueOf(node.swapSpaceMiB())),
                        node.ratios().memory())
                && exactlyAtMost(Math.max(0, pkg.diskMiB() - diskHeld), node.freeDiskMiB(), node.ratios().disk())
                && pkg.cpuCap() <= 100L * node.cpus()
                && pkg.vcpus() <= node.cpus()
                && pkg.lwps() <= node.pidMax() && pkg.lwps() <= node.threadsMax();
        var verdict = PackageBounds.check(pkg, diskHeld, node);
        assertThat(verdict.isEmpty()).as("%s on %s: %s", pkg, node, verdict).isEqualTo(fits);
        verdict.ifPresent(line -> assertThat(line).doesNotContain("\n").contains("exceeds this node's"));
    }

    private static boolean exactlyAtMost(long asked, long capacity, double ratio) {
        return exactlyAtMost(asked, BigInteger.valueOf(capacity), ratio);
    }

    /** asked ≤ floor(capacity × ratio), computed as the double product the node uses, then exactly. */
    private static boolean exactlyAtMost(long asked, BigInteger capacity, double ratio) {
        BigDecimal usable = new BigDecimal(capacity.doubleValue() * ratio).setScale(0, RoundingMode.FLOOR);
        return BigDecimal.valueOf(asked).compareTo(usable) <= 0;
    }

    @Provide
    Arbitrary<Package> packages() {
        Arbitrary<Long> memory = Arbitraries.longs().between(Package.MIN_MEMORY_MiB, Package.MAX_SIZE_MiB)
                .edgeCases(c -> c.add(Package.MAX_SIZE_MiB));
        Arbitrary<Long> extraSwap = Arbitraries.longs().between(0, Package.MAX_SIZE_MiB);
        Arbitrary<Integer> vcpus = Arbitraries.integers().between(0, Package.MAX_VCPUS);
        Arbitrary<Integer> cap = Arbitraries.integers().between(0, Package.MAX_CPU_CAP);
        Arbitrary<Integer> lwps = Arbitraries.integers().between(Package.MIN_LWPS, Package.MAX_LWPS);
        Arbitrary<Long> disk = Arbitraries.longs().between(Package.MIN_DISK_MiB, Package.MAX_SIZE_MiB);
        return Combinators.combine(memory, extraSwap, vcpus, cap, lwps, disk).as((m, x, v, c, l, d) ->
                new Package("p", m, Math.min(Package.MAX_SIZE_MiB, m + Math.min(x, Package.MAX_SIZE_MiB - m)), v, c, l, d));
    }

    @Provide
    Arbitrary<NodeLimits> nodes() {
        Arbitrary<Long> size = Arbitraries.longs().between(0, Long.MAX_VALUE).edgeCases(c -> c.add(Long.MAX_VALUE));
        Arbitrary<Integer> cpus = Arbitraries.integers().between(1, Integer.MAX_VALUE);
        Arbitrary<Long> kernel = Arbitraries.longs().between(0, Long.MAX_VALUE);
        Arbitrary<Double> ratio = Arbitraries.doubles().between(0.01, OverprovisionRatios.MAX);
        return Combinators.combine(size, size, size, cpus, kernel, kernel, ratio, ratio).as((m, s, d, c, p, t, rm, rd) ->
                new NodeLimits(m, s, d, c, p, t, new OverprovisionRatios(rm, rd)));
    }
}
