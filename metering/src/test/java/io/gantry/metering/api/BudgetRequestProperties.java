package io.gantry.metering.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.gantry.common.ErrorCode;
import io.gantry.common.GantryException;
import io.gantry.common.Json;
import io.gantry.common.limits.ProvisionLimit;
import io.gantry.metering.budget.Metric;
import io.gantry.metering.budget.Policy;
import io.gantry.metering.usage.Granularity;
import io.gantry.metering.usage.Period;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Budget bodies and the wire names of metrics, policies, periods and granularities. */
class BudgetRequestProperties {

    @Property
    void aBudgetReadsBackFromItsJson(@ForAll Metric metric, @ForAll Period period, @ForAll Policy policy,
                                     @ForAll("limits") double limit, @ForAll("caps") int cap) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("metric", metric.wireName());
        body.put("limit", limit);
        body.put("period", period.wireName());
        body.put("policy", policy.wireName());
        body.put("throttle_cpu_cap", cap);
        BudgetRequest b = BudgetRequest.parse("b-1", Json.write(body).getBytes(StandardCharsets.UTF_8));
        assertThat(b).isEqualTo(new BudgetRequest("b-1", metric, limit, period, policy, cap));
    }

    @Property
    void anyBudgetBodyIsABudgetOrAnInvalidArgument(@ForAll("names") String name, @ForAll("bodies") String body) {
        Throwable thrown = catchThrowable(() -> {
            BudgetRequest b = BudgetRequest.parse(name, body.getBytes(StandardCharsets.UTF_8));
            assertThat(b.limit()).isFinite().isNotNegative();
            assertThat(b.throttleCpuCap()).isPositive();
        });
        invalidOrNothing(thrown);
    }

    @Property
    void everyWireNameReadsBackAndNothingElseDoes(@ForAll("names") String text) {
        for (Metric m : Metric.values()) {
            assertThat(Metric.fromWire(m.wireName())).isEqualTo(m);
        }
        for (Granularity g : Granularity.values()) {
            assertThat(Granularity.fromWire(g.wireName())).isEqualTo(g);
        }
        invalidOrNothing(catchThrowable(() -> Metric.fromWire(text)));
        invalidOrNothing(catchThrowable(() -> Policy.fromWire(text)));
        invalidOrNothing(catchThrowable(() -> Period.fromWire(text)));
        invalidOrNothing(catchThrowable(() -> Granularity.fromWire(text)));
        invalidOrNothing(catchThrowable(() -> ProvisionLimit.By.fromWire(text)));
        invalidOrNothing(catchThrowable(() -> ProvisionLimit.Check.fromWire(text)));
    }

    private static void invalidOrNothing(Throwable thrown) {
        if (thrown != null) {
            assertThat(thrown).isInstanceOf(GantryException.class);
            assertThat(((GantryException) thrown).code()).isEqualTo(ErrorCode.InvalidArgument);
        }
    }

    @Provide
    Arbitrary<Double> limits() {
        return Arbitraries.oneOf(Arbitraries.doubles().between(0, 1e300), Arbitraries.of(0.0, 1.0, 0.1, Double.MIN_VALUE, Double.MAX_VALUE));
    }

    @Provide
    Arbitrary<Integer> caps() {
        return Arbitraries.integers().between(1, Integer.MAX_VALUE);
    }

    @Provide
    Arbitrary<String> names() {
        return Arbitraries.oneOf(Arbitraries.strings().alpha().numeric().withChars("_.-").ofMinLength(1).ofMaxLength(70),
                Arbitraries.strings().all().ofMaxLength(20),
                Arbitraries.of("", "cpu_hours", "CPU_HOURS", "hour", "month", "stop", "image", "count", " day"));
    }

    @Provide
    Arbitrary<String> bodies() {
        Arbitrary<String> field = Arbitraries.of("metric", "limit", "period", "policy", "throttle_cpu_cap", "x");
        Arbitrary<String> value = Arbitraries.oneOf(
                Arbitraries.of("\"cpu_hours\"", "\"network_gb\"", "\"hour\"", "\"month\"", "\"notify\"", "\"throttle\"", "\"image\"",
                        "\"os\"", "\"\"", "\" \"", "\"debian\"", "null", "true", "[]", "{}", "{\"a\":1}"),
                Arbitraries.of("1e400", "-1e400", "1e308", "-0.0", "0.5", "2147483648", "9223372036854775808", "-2", "-1", "0", "1",
                        "99999999999999999999999999", "1.0", "1E2", "NaN", "Infinity"),
                Arbitraries.longs().map(String::valueOf), Arbitraries.doubles().map(String::valueOf),
                Arbitraries.strings().all().ofMaxLength(8).map(Json::write));
        Arbitrary<String> object = Arbitraries.maps(field, value).ofMaxSize(6).map(m -> {
            StringBuilder sb = new StringBuilder("{");
            m.forEach((k, v) -> sb.append(sb.length() > 1 ? "," : "").append('"').append(k).append("\":").append(v));
            return sb.append('}').toString();
        });
        return Arbitraries.oneOf(object, object, object, Arbitraries.strings().all().ofMaxLength(40),
                Arbitraries.integers().between(1, 3000).map(n -> "{\"limit\":" + "[".repeat(n) + "]".repeat(n) + "}"),
                Arbitraries.of("", "null", "[]", "1", "\"x\"", "{", "{\"limit\":", "{\"metric\":\"cpu_hours\"}{}"));
    }
}
