package io.gantry.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.gantry.common.ErrorCode;
import io.gantry.common.GantryException;
import io.gantry.common.Package;
import java.math.BigInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.StringLength;

/** Whatever the operator types, Sizes answers a size within the type's range or the documented refusal. */
class SizesPropertyTest {

    /** The only way Sizes may fail: an InvalidArgument whose message is one line. */
    private static void assertSizeOrRefusal(String text, String unit) {
        Throwable thrown = catchThrowable(() -> {
            long mib = Sizes.toMiB(text, unit);
            assertThat(mib).as("'%s'", text).isBetween(1L, Package.MAX_SIZE_MiB);
            assertThat(Math.multiplyExact(mib, 1024L * 1024)).as("its bytes fit a long").isPositive();
        });
        if (thrown != null) {
            assertThat(thrown).as("'%s'", text).isInstanceOf(GantryException.class);
            assertThat(((GantryException) thrown).code()).isEqualTo(ErrorCode.InvalidArgument);
            assertThat(thrown.getMessage()).as("one line").doesNotContain("\n", "\r", "\u2028", "\u2029").isNotBlank()
                    .hasSizeLessThan(320);
        }
    }

    @Property(tries = 2000)
    void anyStringIsASizeInRangeOrARefusal(@ForAll @StringLength(max = 60) String text, @ForAll("units") String unit) {
        assertSizeOrRefusal(text, unit);
    }

    @Property(tries = 2000)
    void stringsWithLineBreaksAndControlsStillGiveOneLine(@ForAll("withControls") String text) {
        assertSizeOrRefusal(text, "M");
    }

    @Property(tries = 2000)
    void sizeLikeStringsAreInRangeOrARefused(@ForAll("sizeLike") String text, @ForAll("units") String unit) {
        assertSizeOrRefusal(text, unit);
    }

    @Property
    void aBareNumberOfMiBRoundTrips(@ForAll @LongRange(min = 1, max = Package.MAX_SIZE_MiB) long mib) {
        assertThat(Sizes.toMiB(Long.toString(mib), "M")).isEqualTo(mib);
        assertThat(Sizes.toMiB(mib + "M", "G")).isEqualTo(mib);
        assertThat(Sizes.toMiB(" " + mib + " MiB ", "G")).isEqualTo(mib);
    }

    @Property
    void gibAndTibAreExactMultiples(@ForAll @LongRange(min = 1, max = Package.MAX_SIZE_MiB / 1024) long gib) {
        assertThat(Sizes.toMiB(Long.toString(gib), "G")).isEqualTo(gib * 1024);
        assertThat(Sizes.toMiB(gib + "gb", "M")).isEqualTo(gib * 1024);
        if (gib <= Package.MAX_SIZE_MiB / (1024 * 1024)) {
            assertThat(Sizes.toMiB(gib + "T", "M")).isEqualTo(gib * 1024 * 1024);
        }
    }

    @Property
    void aDecimalRoundsToTheNearestMiB(@ForAll @LongRange(min = 0, max = 1_000_000) long whole, @ForAll @LongRange(min = 0, max = 999) long thousandths) {
        String text = whole + "." + String.format("%03d", thousandths) + "G";
        long expected = Math.round((whole * 1000 + thousandths) * 1024 / 1000.0);
        if (expected == 0) {
            assertSizeOrRefusal(text, "M");
        } else {
            assertThat(Sizes.toMiB(text, "M")).isEqualTo(expected);
        }
    }

    @Property
    void numbersBeyondTheLargestSizeAreRefusedNotWrapped(@ForAll("beyondMax") BigInteger mib, @ForAll("units") String unit) {
        GantryException e = (GantryException) catchThrowable(() -> Sizes.toMiB(mib + "M", unit));
        assertThat(e).isNotNull();
        assertThat(e.code()).isEqualTo(ErrorCode.InvalidArgument);
        assertThat(e.getMessage()).satisfiesAnyOf(
                m -> assertThat(m).contains("is more than the largest size, " + Package.MAX_SIZE_MiB + " MiB"),
                m -> assertThat(m).contains("is not a size"));
    }

    @Property
    void negativeNaNExponentsAndNonAsciiDigitsAreRefused(@ForAll("notSizes") String text) {
        GantryException e = (GantryException) catchThrowable(() -> Sizes.toMiB(text, "G"));
        assertThat(e).as("'%s'", text).isNotNull();
        assertThat(e.code()).isEqualTo(ErrorCode.InvalidArgument);
        assertThat(e.getMessage()).contains("is not a size");
    }

    @Provide
    Arbitrary<String> withControls() {
        Arbitrary<String> noise = Arbitraries.strings().withChars("\n\r\t\u0000\u001b\u2028\u2029\u0085 12G.").ofMaxLength(80);
        return Combinators.combine(noise, Arbitraries.of("", "1", "512M", "\n2G")).as((n, s) -> n + s);
    }

    @Provide
    Arbitrary<String> units() {
        return Arbitraries.of("M", "G", "T");
    }

    @Provide
    Arbitrary<BigInteger> beyondMax() {
        return Arbitraries.bigIntegers().between(BigInteger.valueOf(Package.MAX_SIZE_MiB).add(BigInteger.ONE), BigInteger.TEN.pow(45));
    }

    @Provide
    Arbitrary<String> sizeLike() {
        Arbitrary<String> sign = Arbitraries.of("", "", "-", "+");
        Arbitrary<String> digits = Arbitraries.strings().withChars("0123456789").ofMinLength(0).ofMaxLength(45);
        Arbitrary<String> fraction = Arbitraries.of("", ".", ".5", ".0001", ".999999", "e3", "E-2", ",5");
        Arbitrary<String> suffix = Arbitraries.of("", "M", "G", "T", "m", "g", "t", "MB", "GiB", "tib", "B", "iB", "K", "P", " G", "G ", "GG");
        return Combinators.combine(sign, digits, fraction, suffix).as((s, d, f, u) -> s + d + f + u);
    }

    @Provide
    Arbitrary<String> notSizes() {
        return Arbitraries.of("-1", "-0.5G", "NaN", "Infinity", "-Infinity", "1e3", "1E9G", "0x10", "١٢٣", "１２", "٣G",
                "", " ", "G", "MiB", "1,5G", "1.", ".5", "1..5", "1 2", "+5", "0", "0.0001", "0G", "1K", "1P", "1GG",
                "99999999999999999999999999999999999999999999", "1" + ".0".repeat(30));
    }
}
