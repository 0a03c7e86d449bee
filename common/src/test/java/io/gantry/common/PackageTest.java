package io.gantry.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PackageTest {

    @Test
    void cpuCapIsPercentOfOneCpuInCfsQuota() {
        assertThat(Package.custom(64, 50, 32, 64).cpuQuotaMicros()).isEqualTo(50_000);
        assertThat(Package.custom(64, 250, 32, 64).cpuQuotaMicros()).isEqualTo(250_000);
        assertThat(Package.custom(64, 0, 32, 64).cpuQuotaMicros()).as("no cap").isEqualTo(-1);
        assertThat(new Package("p", 64, 64, 2, 0, 32, 64).cpuQuotaMicros()).as("vcpus without a cap").isEqualTo(200_000);
    }

    @Test
    void swapDefaultsToMemoryAndMayNotFallBelowIt() {
        assertThat(new Package("p", 256, 0, 0, 0, 32, 64).swapMiB()).isEqualTo(256);
        assertThatThrownBy(() -> new Package("p", 256, 128, 0, 0, 32, 64))
                .hasMessageContaining("swap (128 MiB) must be at least memory (256 MiB)");
    }

    @Test
    void tooSmallOrNegativeValuesAreRefusedWithTheFigure() {
        assertThatThrownBy(() -> Package.custom(8, 0, 32, 64)).hasMessageContaining("at least 16 MiB, got 8");
        assertThatThrownBy(() -> Package.custom(64, -1, 32, 64)).hasMessageContaining("cpu_cap must not be negative");
        assertThatThrownBy(() -> Package.custom(64, 0, 2, 64)).hasMessageContaining("lwps must be at least");
        assertThatThrownBy(() -> Package.custom(64, 0, 32, 1)).hasMessageContaining("disk must be at least");
    }

    @Test
    void sizesWhoseByteCountsWouldOverflowAreRefused() {
        // found by PackageProperties: 2^44 MiB of memory made memoryBytes() wrap to 0
        assertThatThrownBy(() -> Package.custom(1L << 44, 0, 32, 64)).isInstanceOf(GantryException.class)
                .hasMessageContaining("memory must be at most 1099511627776 MiB, got 17592186044416");
        assertThatThrownBy(() -> new Package("p", 64, Long.MAX_VALUE, 0, 0, 32, 64)).hasMessageContaining("swap must be at most");
        assertThatThrownBy(() -> Package.custom(64, 0, 32, Long.MAX_VALUE)).hasMessageContaining("disk must be at most");
        assertThatThrownBy(() -> Package.custom(64, 0, 32, 64).with(ResourceUpdate.memory(Long.MAX_VALUE)))
                .hasMessageContaining("memory must be at most");
        assertThat(Package.custom(Package.MAX_SIZE_MiB, 0, 32, 64).memoryBytes()).isEqualTo(1L << 60);
    }

    @Test
    void updateChangesOnlyWhatItNamesAndKeepsSwapAboveMemory() {
        Package p = Package.custom(64, 50, 32, 128);
        Package bigger = p.with(ResourceUpdate.memory(256));
        assertThat(bigger.memoryMiB()).isEqualTo(256);
        assertThat(bigger.swapMiB()).isEqualTo(256);
        assertThat(bigger.cpuCap()).isEqualTo(50);
        assertThat(bigger.diskMiB()).isEqualTo(128);
        Package withSwap = new Package("p", 64, 512, 0, 0, 32, 64).with(ResourceUpdate.memory(128));
        assertThat(withSwap.swapMiB()).as("an explicit larger swap is kept").isEqualTo(512);
        assertThat(ResourceUpdate.memory(1).isEmpty()).isFalse();
        assertThat(new ResourceUpdate(null, null, null, null, null, null).isEmpty()).isTrue();
    }

    @Test
    void aResizeToAnotherPackageRenamesItAndAnUpdateWithoutANameKeepsIt() {
        Package p = new Package("gantry-128M", 128, 128, 1, 0, 64, 1024);
        Package resized = p.with(new ResourceUpdate(256L, 256L, 1, 0, 64, 1024L, "gantry-256M"));
        assertThat(resized.name()).isEqualTo("gantry-256M");
        assertThat(resized.memoryMiB()).isEqualTo(256);
        assertThat(p.with(new ResourceUpdate(null, null, null, 50, null, null)).name()).as("a throttle keeps the name")
                .isEqualTo("gantry-128M");
        assertThat(new ResourceUpdate(null, null, null, null, null, null, "gantry-256M").isEmpty()).as("a rename is a change").isFalse();
    }

    @Test
    void anUpdateWrittenWithoutAPackageNameStillParsesAndTheNameTravels() {
        ResourceUpdate old = Json.read("{\"memoryMiB\":256,\"swapMiB\":256,\"vcpus\":1,\"cpuCap\":0,\"lwps\":64,\"diskMiB\":1024}",
                ResourceUpdate.class);
        assertThat(old).isEqualTo(new ResourceUpdate(256L, 256L, 1, 0, 64, 1024L, null));
        assertThat(Json.write(old)).as("no name: none on the wire").doesNotContain("packageName");
        ResourceUpdate named = new ResourceUpdate(256L, null, null, null, null, null, "gantry-256M");
        assertThat(Json.read(Json.write(named), ResourceUpdate.class)).isEqualTo(named);
    }

    @Test
    void valuesBeyondTheTypesRangeAreRefusedSoEveryConversionIsExact() {
        assertThatThrownBy(() -> Package.custom(9_999_999_999_999L, 0, 32, 64))
                .hasMessage("memory must be at most 1099511627776 MiB, got 9999999999999 MiB");
        assertThatThrownBy(() -> new Package("p", 64, Long.MAX_VALUE, 0, 0, 32, 64)).hasMessageStartingWith("swap must be at most");
        assertThatThrownBy(() -> Package.custom(64, 0, 32, Package.MAX_SIZE_MiB + 1)).hasMessageStartingWith("disk must be at most");
        assertThatThrownBy(() -> Package.custom(64, 0, 99_999_999, 64)).hasMessage("lwps must be at most 4194304, got 99999999");
        assertThatThrownBy(() -> Package.custom(64, Integer.MAX_VALUE, 32, 64)).hasMessageStartingWith("cpu_cap must be at most");
        assertThatThrownBy(() -> new Package("p", 64, 64, Integer.MAX_VALUE, 0, 32, 64)).hasMessageStartingWith("vcpus must be at most");
        Package biggest = new Package("p", Package.MAX_SIZE_MiB, Package.MAX_SIZE_MiB, 0, Package.MAX_CPU_CAP, Package.MAX_LWPS,
                Package.MAX_SIZE_MiB);
        assertThat(biggest.memoryBytes()).isPositive().isEqualTo(Package.MAX_SIZE_MiB << 20);
        assertThat(biggest.swapBytes()).isEqualTo(biggest.memoryBytes());
        assertThat(biggest.diskBytes()).isEqualTo(biggest.memoryBytes());
        assertThat(biggest.cpuQuotaMicros()).isEqualTo(Package.MAX_CPU_CAP * 1000L);
    }
}
