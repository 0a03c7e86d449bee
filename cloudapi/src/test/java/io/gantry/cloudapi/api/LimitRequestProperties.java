package io.gantry.cloudapi.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.gantry.common.ErrorCode;
import io.gantry.common.GantryException;
import io.gantry.common.Json;
import io.gantry.common.limits.ProvisionLimit;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Any limit body or DELETE query is a limit or an InvalidArgument, never another failure. */
class LimitRequestProperties {

    @Property
    void anyLimitBodyIsALimitOrAnInvalidArgument(@ForAll("bys") String by, @ForAll("bodies") String body) {
        Throwable thrown = catchThrowable(() -> assertThat(LimitRequest.parse(by, body.getBytes(StandardCharsets.UTF_8)).value())
                .isGreaterThanOrEqualTo(ProvisionLimit.FORBIDDEN));
        invalidOrNothing(thrown);
    }

    @Property
    void aLimitReadsBackFromItsJson(@ForAll ProvisionLimit.By by, @ForAll("values") long value) {
        ProvisionLimit limit = LimitRequest.parse(by.wireName(), ("{\"value\":" + value + ",\"check\":\"image\",\"check_value\":\"debian\"}")
                .getBytes(StandardCharsets.UTF_8));
        assertThat(limit).isEqualTo(new ProvisionLimit(by, value, ProvisionLimit.Check.IMAGE, "debian"));
    }

    @Property
    void anyDeleteQueryIsAScopeOrAnInvalidArgument(@ForAll("texts") String text) {
        invalidOrNothing(catchThrowable(() -> LimitRequest.scope("count", Map.of("check", text, "check_value", text))));
        invalidOrNothing(catchThrowable(() -> LimitRequest.scope(text, Map.of())));
    }

    private static void invalidOrNothing(Throwable thrown) {
        if (thrown != null) {
            assertThat(thrown).isInstanceOf(GantryException.class);
            assertThat(((GantryException) thrown).code()).isEqualTo(ErrorCode.InvalidArgument);
        }
    }

    @Provide
    Arbitrary<Long> values() {
        return Arbitraries.longs().between(-1, Long.MAX_VALUE);
    }

    @Provide
    Arbitrary<String> bys() {
        return Arbitraries.of("count", "ram", "quota", "vcpus", "COUNT", "", "x");
    }

    @Provide
    Arbitrary<String> texts() {
        return Arbitraries.oneOf(Arbitraries.strings().all().ofMaxLength(20), Arbitraries.of("", " ", "image", "os", "brand", "count"));
    }

    @Provide
    Arbitrary<String> bodies() {
        Arbitrary<String> field = Arbitraries.of("value", "check", "check_value", "x");
        Arbitrary<String> value = Arbitraries.oneOf(
                Arbitraries.of("\"image\"", "\"os\"", "\"brand\"", "\"\"", "\" \"", "\"debian\"", "null", "true", "[]", "{}", "{\"a\":1}"),
                Arbitraries.of("1e400", "-1e400", "-0.0", "0.5", "2147483648", "9223372036854775808", "-2", "-1", "0", "1",
                        "99999999999999999999999999", "1.0", "1E2", "NaN", "Infinity"),
                Arbitraries.longs().map(String::valueOf), Arbitraries.strings().all().ofMaxLength(8).map(Json::write));
        Arbitrary<String> object = Arbitraries.maps(field, value).ofMaxSize(4).map(m -> {
            StringBuilder sb = new StringBuilder("{");
            m.forEach((k, v) -> sb.append(sb.length() > 1 ? "," : "").append('"').append(k).append("\":").append(v));
            return sb.append('}').toString();
        });
        return Arbitraries.oneOf(object, Arbitraries.of("", "[1]", "null", "{", "{\"value\":1}{}", "\"value\""));
    }
}
