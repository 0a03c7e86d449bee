package io.gantry.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Any figures make a package whose byte counts are exact, or an InvalidArgument: never a wrapped size. */
class PackageProperties {

    @Property
    void anyFiguresMakeAnExactPackageOrAnInvalidArgument(@ForAll("sizes") long memory, @ForAll("sizes") long swap,
                                                         @ForAll("counts") int vcpus, @ForAll("counts") int cpuCap,
                                                         @ForAll("counts") int lwps, @ForAll("sizes") long disk) {
        Throwable thrown = catchThrowable(() -> exact(new Package("p", memory, swap, vcpus, cpuCap, lwps, disk)));
        invalidOrNothing(thrown);
    }

    @Property
    void anyUpdateGivesAnExactPackageOrAnInvalidArgument(@ForAll("sizes") long memory, @ForAll("sizes") long swap,
                                                         @ForAll("counts") int cpuCap, @ForAll("sizes") long disk) {
        Package p = new Package("p", 256, 512, 1, 100, 64, 1024);
        Throwable thrown = catchThrowable(() -> exact(p.with(new ResourceUpdate(memory, swap, null, cpuCap, null, disk))));
        invalidOrNothing(thrown);
        thrown = catchThrowable(() -> exact(p.with(ResourceUpdate.memory(memory))));
        invalidOrNothing(thrown);
    }

    @Property
    void aPackageSurvivesItsJson(@ForAll("fittingSizes") long memory, @ForAll("fittingSizes") long disk,
                                 @ForAll("counts") int cpuCap) {
        Package p = new Package("p", memory, memory, 0, Math.min(Package.MAX_CPU_CAP, Math.max(0, cpuCap)), 64, disk);
        assertThat(Json.read(Json.write(p), Package.class)).isEqualTo(p);
    }

    private static void exact(Package p) {
        assertThat(p.memoryBytes()).isEqualTo(Math.multiplyExact(p.memoryMiB(), 1L << 20));
        assertThat(p.swapBytes()).isEqualTo(Math.multiplyExact(p.swapMiB(), 1L << 20));
        assertThat(Math.multiplyExact(p.diskMiB(), 1L << 20)).isPositive();
        assertThat(p.cpuQuotaMicros()).isGreaterThanOrEqualTo(-1);
    }

    private static void invalidOrNothing(Throwable thrown) {
        if (thrown != null) {
            assertThat(thrown).isInstanceOf(GantryException.class);
            assertThat(((GantryException) thrown).code()).isEqualTo(ErrorCode.InvalidArgument);
        }
    }

    @Provide
    Arbitrary<Long> sizes() {
        return Arbitraries.oneOf(Arbitraries.longs(), Arbitraries.longs().between(0, 1L << 22),
                Arbitraries.of(0L, 15L, 16L, 32L, Long.MAX_VALUE, Long.MIN_VALUE, Package.MAX_SIZE_MiB, Package.MAX_SIZE_MiB + 1,
                        (Long.MAX_VALUE >> 20) + 1));
    }

    @Provide
    Arbitrary<Long> fittingSizes() {
        return Arbitraries.longs().between(Package.MIN_DISK_MiB, Package.MAX_SIZE_MiB);
    }

    @Provide
    Arbitrary<Integer> counts() {
        return Arbitraries.oneOf(Arbitraries.integers(), Arbitraries.integers().between(-1, 1000));
    }
}
