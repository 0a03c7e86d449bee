package io.gantry.cloudapi.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.gantry.common.ErrorCode;
import io.gantry.common.GantryException;
import io.gantry.common.Package;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * A new package's body of any shape (what JSON gives: text, whole and fractional numbers of any size, booleans,
 * null, lists, objects) is a package within every range or an InvalidArgument; and a well-formed one is read as asked.
 */
class NewPackageProperties {
    private static final List<String> FIELDS = List.of("name", "version", "memory", "swap", "disk", "vcpus", "cpu_cap", "lwps", "group",
            "description", "traits", "other");

    @Property(tries = 1000)
    void anyBodyIsAPackageInRangeOrAnInvalidArgument(@ForAll("bodies") Map<String, Object> body) {
        Throwable thrown = catchThrowable(() -> {
            NewPackage p = NewPackage.fromParams(body);
            assertThat(p.memory()).isBetween(Package.MIN_MEMORY_MiB, Package.MAX_SIZE_MiB);
            assertThat(p.swap()).isBetween(p.memory(), Package.MAX_SIZE_MiB);
            assertThat(p.disk()).isBetween(Package.MIN_DISK_MiB, Package.MAX_SIZE_MiB);
            assertThat(p.vcpus()).isBetween(1, Package.MAX_VCPUS);
            assertThat(p.lwps()).isBetween(Package.MIN_LWPS, Package.MAX_LWPS);
            assertThat(p.name()).matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
        });
        if (thrown != null) {
            assertThat(thrown).isInstanceOf(GantryException.class);
            assertThat(((GantryException) thrown).code()).isEqualTo(ErrorCode.InvalidArgument);
            assertThat(thrown.getMessage()).doesNotContain("\n");
        }
    }

    @Property(tries = 300)
    void aWellFormedBodyIsReadAsAsked(@ForAll("names") String name, @ForAll("mib") long memory, @ForAll("mib") long extraSwap,
                                      @ForAll("mib") long disk, @ForAll("vcpus") int vcpus) {
        NewPackage p = NewPackage.fromParams(Map.of("name", name, "memory", memory, "swap", String.valueOf(memory + extraSwap),
                "disk", disk, "vcpus", vcpus));
        assertThat(p).isEqualTo(new NewPackage(name, NewPackage.DEFAULT_VERSION, memory, memory + extraSwap, disk, vcpus, vcpus * 100,
                NewPackage.DEFAULT_LWPS, null, null, Map.of()));
    }

    @Provide
    Arbitrary<Map<String, Object>> bodies() {
        return Arbitraries.maps(Arbitraries.of(FIELDS), values()).ofMaxSize(FIELDS.size());
    }

    private static Arbitrary<Object> values() {
        return Arbitraries.oneOf(
                Arbitraries.strings().all().ofMaxLength(70).map(Object.class::cast),
                Arbitraries.strings().withChars("0123456789-.ab").ofMaxLength(22).map(Object.class::cast),
                Arbitraries.integers().map(Object.class::cast),
                Arbitraries.longs().map(Object.class::cast),
                Arbitraries.longs().between(0, 1 << 20).map(Object.class::cast),
                Arbitraries.bigIntegers().between(BigInteger.ZERO, BigInteger.TEN.pow(30)).map(Object.class::cast),
                Arbitraries.doubles().map(Object.class::cast),
                Arbitraries.of(true, false).map(Object.class::cast),
                Arbitraries.just(null),
                Arbitraries.just(List.of("x", 1)).map(Object.class::cast),
                Arbitraries.of(Map.of("ssd", true), Map.of("hw", List.of("a", "b")), Map.of("bad", 3), Map.of("", "x"))
                        .map(Object.class::cast));
    }

    @Provide
    Arbitrary<String> names() {
        return Arbitraries.strings().withChars("abcXYZ019._-").ofMinLength(1).ofMaxLength(64).filter(n -> Character.isLetterOrDigit(n.charAt(0)));
    }

    @Provide
    Arbitrary<Long> mib() {
        return Arbitraries.longs().between(32, 1L << 30);
    }

    @Provide
    Arbitrary<Integer> vcpus() {
        return Arbitraries.integers().between(1, Package.MAX_VCPUS);
    }
}
