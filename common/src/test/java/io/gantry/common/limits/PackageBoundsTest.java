package io.gantry.common.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gantry.common.ErrorCode;
import io.gantry.common.GantryException;
import io.gantry.common.Package;
import org.junit.jupiter.api.Test;

class PackageBoundsTest {
    /** 23.4 GiB of memory, 1 GiB of swap, 80 GiB free, 2 CPUs, Debian's pid_max, a 24 GiB host's threads-max. */
    private static final NodeLimits NODE = new NodeLimits(23_962, 1024, 81_920, 2, 4_194_304, 191_242, OverprovisionRatios.NONE);

    private static Package pkg(long memory, long swap, int vcpus, int cpuCap, int lwps, long disk) {
        return new Package("p", memory, swap, vcpus, cpuCap, lwps, disk);
    }

    @Test
    void aPackageThatFitsPasses() {
        assertThat(PackageBounds.check(pkg(256, 256, 1, 100, 512, 1024), NODE)).isEmpty();
        assertThat(PackageBounds.check(pkg(23_962, 23_962 + 1024, 2, 200, 191_242, 81_920), NODE)).as("every limit exactly").isEmpty();
    }

    @Test
    void memoryBeyondThePhysicalMemoryIsRefusedWithTheFigures() {
        assertThat(PackageBounds.check(pkg(99_999_999, 99_999_999, 0, 0, 512, 1024), NODE))
                .contains("memory 99999999 MiB (95.4 TiB) exceeds this node's memory (23.4 GiB × overprovision 1.0)");
        assertThat(PackageBounds.check(pkg(23_963, 23_963, 0, 0, 512, 1024), NODE)).as("one MiB over").isPresent();
    }

    @Test
    void theOverprovisionRatioScalesMemoryAndDisk() {
        NodeLimits generous = new NodeLimits(1000, 0, 1000, 2, 32768, 32768, new OverprovisionRatios(1.5, 2.0));
        assertThat(PackageBounds.check(pkg(1500, 1500, 0, 0, 64, 2000), generous)).isEmpty();
        assertThat(PackageBounds.check(pkg(1501, 1501, 0, 0, 64, 64), generous)).get().asString()
                .startsWith("memory 1501 MiB (1.5 GiB) exceeds").contains("overprovision 1.5");
        assertThat(PackageBounds.check(pkg(64, 64, 0, 0, 64, 2001), generous)).get().asString()
                .startsWith("disk 2001 MiB (2.0 GiB) exceeds this node's free disk (1000 MiB × overprovision 2.0)");
    }

    @Test
    void swapMayReachMemoryPlusSwapSpace() {
        assertThat(PackageBounds.check(pkg(256, 23_962 + 1024 + 1, 0, 0, 64, 64), NODE)).get().asString()
                .startsWith("swap 24987 MiB (24.4 GiB) exceeds this node's memory plus swap space (23.4 GiB + 1.0 GiB");
    }

    @Test
    void diskBeyondTheFreeSpaceIsRefused() {
        assertThat(PackageBounds.check(pkg(256, 256, 0, 0, 64, 2_097_152), NODE))
                .contains("disk 2097152 MiB (2.0 TiB) exceeds this node's free disk (80.0 GiB × overprovision 1.0)");
    }

    @Test
    void aResizeNeedsOnlyItsGrowthFree() {
        NodeLimits full = new NodeLimits(4096, 0, 100, 2, 32768, 32768, OverprovisionRatios.NONE);
        assertThat(PackageBounds.check(pkg(256, 256, 0, 0, 64, 1100), 1024, full)).as("76 MiB more").isEmpty();
        assertThat(PackageBounds.check(pkg(256, 256, 0, 0, 64, 1125), 1024, full)).get().asString()
                .contains("on top of the 1.0 GiB the zone holds");
    }

    @Test
    void cpuCapIsAtMostOneHundredPerCpuAndVcpusAtMostTheCpus() {
        assertThat(PackageBounds.check(pkg(256, 256, 0, 201, 64, 64), NODE)).contains("cpu_cap 201 exceeds this node's 2 CPUs (at most 200)");
        assertThat(PackageBounds.check(pkg(256, 256, 3, 0, 64, 64), NODE)).contains("vcpus 3 exceeds this node's 2 CPUs");
    }

    @Test
    void lwpsAreWithinTheKernelsPidAndThreadLimits() {
        NodeLimits small = new NodeLimits(4096, 0, 4096, 2, 32768, 100_000, OverprovisionRatios.NONE);
        assertThat(PackageBounds.check(pkg(256, 256, 0, 0, 40_000, 64), small)).contains("lwps 40000 exceeds this node's kernel.pid_max (32768)");
        assertThat(PackageBounds.check(pkg(256, 256, 0, 0, 191_243, 64), NODE))
                .contains("lwps 191243 exceeds this node's kernel.threads-max (191242)");
    }

    @Test
    void requireThrowsTheLineAsInvalidArgument() {
        assertThatThrownBy(() -> PackageBounds.require(pkg(256, 256, 3, 0, 64, 64), 0, NODE))
                .isInstanceOfSatisfying(GantryException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.InvalidArgument))
                .hasMessage("vcpus 3 exceeds this node's 2 CPUs");
    }

    @Test
    void hugeNodesAndRatiosDoNotOverflow() {
        NodeLimits huge = new NodeLimits(Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE, Integer.MAX_VALUE, Long.MAX_VALUE,
                Long.MAX_VALUE, new OverprovisionRatios(OverprovisionRatios.MAX, OverprovisionRatios.MAX));
        Package biggest = pkg(Package.MAX_SIZE_MiB, Package.MAX_SIZE_MiB, Package.MAX_VCPUS, Package.MAX_CPU_CAP, Package.MAX_LWPS,
                Package.MAX_SIZE_MiB);
        assertThat(PackageBounds.check(biggest, huge)).isEmpty();
        assertThat(huge.usableMemoryMiB()).isEqualTo(Long.MAX_VALUE);
        assertThat(huge.usableSwapMiB()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void ratiosOutsideTheirRangeAreRefused() {
        assertThatThrownBy(() -> new OverprovisionRatios(0, 1)).hasMessageContaining("overprovision ratios must be above 0");
        assertThatThrownBy(() -> new OverprovisionRatios(1, Double.NaN)).hasMessageContaining("overprovision ratios");
        assertThatThrownBy(() -> new OverprovisionRatios(Double.POSITIVE_INFINITY, 1)).hasMessageContaining("overprovision ratios");
    }
}
