package io.gantry.cloudapi.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.gantry.common.ErrorCode;
import io.gantry.common.GantryException;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** Query parameters: limits and offsets, ids in paths and flags, on any text. */
class ParamsProperties {

    @Property
    void aNonNegativeNumberReadsBackAsItself(@ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int n) {
        assertThat(Params.nonNegative(Integer.toString(n), 7, "limit")).isEqualTo(n);
    }

    @Property
    void anyLimitTextIsANonNegativeIntOrAnInvalidArgument(@ForAll("numbers") String text) {
        Throwable thrown = catchThrowable(() -> assertThat(Params.nonNegative(text, 7, "limit")).isNotNegative());
        if (thrown != null) {
            assertThat(thrown).isInstanceOf(GantryException.class).hasMessageStartingWith("limit must be a non-negative integer");
            assertThat(((GantryException) thrown).code()).isEqualTo(ErrorCode.InvalidArgument);
        }
    }

    @Property
    void anIdReadsBackAndAnythingElseIsNotFound(@ForAll("ids") String text) {
        Throwable thrown = catchThrowable(() -> assertThat(Params.uuid(text, "machine").toString()).isEqualToIgnoringCase(text));
        if (thrown != null) {
            assertThat(thrown).isInstanceOf(GantryException.class);
            assertThat(((GantryException) thrown).code()).isEqualTo(ErrorCode.ResourceNotFound);
        }
    }

    @Property
    void aFlagIsTrueOnlyWhenSaidSo(@ForAll("flags") Object value) {
        Map<String, Object> params = new HashMap<>();
        params.put("f", value);
        assertThat(Params.bool(params, "f")).isEqualTo(Boolean.TRUE.equals(value) || "true".equals(value));
        assertThat(Params.string(params, "f")).isEqualTo(value == null ? null : value.toString());
    }

    @Provide
    Arbitrary<String> numbers() {
        return Arbitraries.oneOf(Arbitraries.longs().map(String::valueOf), Arbitraries.strings().all().ofMaxLength(12),
                Arbitraries.strings().withChars("0123456789+- .e").ofMaxLength(25),
                Arbitraries.of("", " ", "2147483648", "-0", "+5", "0x10", "1e3", "99999999999999999999999"));
    }

    @Provide
    Arbitrary<String> ids() {
        Arbitrary<UUID> uuids = Arbitraries.randomValue(r -> new UUID(r.nextLong(), r.nextLong()));
        return Arbitraries.oneOf(uuids.map(UUID::toString), uuids.map(u -> u.toString().toUpperCase()),
                uuids.map(u -> u.toString().substring(2)), Arbitraries.strings().all().ofMaxLength(40),
                Arbitraries.of("", "1-1-1-1-1", "0-0-0-0-0", "x".repeat(10_000)), Arbitraries.just(null));
    }

    @Provide
    Arbitrary<Object> flags() {
        return Arbitraries.oneOf(Arbitraries.of(true, false, "true", "false", "TRUE", "1", "yes", 1, 0),
                Arbitraries.strings().all().ofMaxLength(6).map(s -> (Object) s), Arbitraries.just(null));
    }

    @net.jqwik.api.Example
    void onlyAsciiDigitsAreANumber() {
        for (String text : java.util.List.of("+5", "\u0663", "\uff15", " 5", "5 ", "-0")) {
            assertThat(catchThrowable(() -> Params.nonNegative(text, 7, "limit"))).as(text).isInstanceOf(io.gantry.common.GantryException.class)
                    .hasMessageContaining("limit must be a non-negative integer");
        }
        assertThat(Params.nonNegative("007", 7, "limit")).isEqualTo(7);
    }
}
