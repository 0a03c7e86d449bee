package io.gantry.metering.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.gantry.common.ErrorCode;
import io.gantry.common.GantryException;
import io.gantry.common.Json;
import io.gantry.common.usage.UsageBatch;
import io.gantry.common.usage.UsageRecord;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Usage batches from agents: a valid batch reads back whole, any body is a batch or an InvalidArgument. */
class BatchesProperties {

    @Property(tries = 300)
    void aValidBatchReadsBackWithEveryRecordOnce(@ForAll("records") List<UsageRecord> records) {
        Batches.Checked c = Batches.parse(Json.write(new UsageBatch("n1", records)).getBytes(StandardCharsets.UTF_8));
        assertThat(c.received()).isEqualTo(records.size());
        // (zone, seq) names a record: the first one sent under a key is the one kept
        java.util.Map<String, UsageRecord> first = new java.util.LinkedHashMap<>();
        records.forEach(r -> first.putIfAbsent(r.key(), r));
        assertThat(c.records()).containsExactlyInAnyOrderElementsOf(first.values());
        assertThat(c.ack().acked()).hasSize((int) records.stream().map(UsageRecord::zone).distinct().count());
    }

    @Property(tries = 500)
    void anyBodyIsABatchOrAnInvalidArgument(@ForAll("bodies") String body) {
        Throwable thrown = catchThrowable(() -> Batches.parse(body.getBytes(StandardCharsets.UTF_8)));
        if (thrown != null) {
            assertThat(thrown).isInstanceOf(GantryException.class);
            assertThat(((GantryException) thrown).code()).isEqualTo(ErrorCode.InvalidArgument);
        }
    }

    @Provide
    Arbitrary<List<UsageRecord>> records() {
        Arbitrary<UUID> zones = Arbitraries.of(UUID.fromString("00000000-0000-0000-0000-00000000000a"),
                UUID.fromString("00000000-0000-0000-0000-00000000000b"));
        Arbitrary<Long> counter = Arbitraries.longs().between(0, Long.MAX_VALUE);
        Arbitrary<UsageRecord> record = Combinators.combine(zones, Arbitraries.longs().between(1, 50), counter, counter, counter,
                        Arbitraries.longs().between(1, Long.MAX_VALUE))
                .as((z, seq, a, b, c, time) -> new UsageRecord(z, seq, "acct", "n1", "small", time, a, b, c, c, a, b, c, a, b, c, a, false));
        return record.list().ofMaxSize(20);
    }

    @Provide
    Arbitrary<String> bodies() {
        Arbitrary<String> value = Arbitraries.oneOf(Arbitraries.longs().map(String::valueOf),
                Arbitraries.of("null", "\"\"", "\" \"", "\"acct\"", "\"00000000-0000-0000-0000-00000000000a\"", "\"1-1-1-1-1\"", "\"x\"",
                        "true", "1.5", "-1", "0", "1e400", "99999999999999999999", "[]", "{}", "[null]"));
        Arbitrary<String> field = Arbitraries.of("zone", "seq", "tenant", "node", "packageName", "timeMillis", "cpuNanos",
                "memoryBytes", "last", "x");
        Arbitrary<String> record = Arbitraries.maps(field, value).ofMaxSize(7).map(m -> {
            StringBuilder sb = new StringBuilder("{");
            m.forEach((k, v) -> sb.append(sb.length() > 1 ? "," : "").append('"').append(k).append("\":").append(v));
            return sb.append('}').toString();
        });
        Arbitrary<String> batch = Combinators.combine(Arbitraries.of("\"n1\"", "null", "5", "[]"),
                Arbitraries.oneOf(record.list().ofMaxSize(4).map(l -> "[" + String.join(",", l) + "]"), value))
                .as((n, r) -> "{\"node\":" + n + ",\"records\":" + r + "}");
        return Arbitraries.oneOf(batch, batch, Arbitraries.strings().all().ofMaxLength(40),
                Arbitraries.integers().between(1, 3000).map(n -> "{\"records\":" + "[".repeat(n) + "]".repeat(n) + "}"),
                Arbitraries.of("", "null", "[]", "{}", "{\"records\":null}", "{\"records\":[null]}", "{\"records\":"));
    }
}
