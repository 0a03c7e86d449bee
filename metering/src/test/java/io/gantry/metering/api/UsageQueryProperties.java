package io.gantry.metering.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.gantry.common.ErrorCode;
import io.gantry.common.GantryException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Query-string times, usage and export queries: what is written reads back, any query is one or an InvalidArgument. */
class UsageQueryProperties {
    private static final Instant NOW = Instant.parse("2026-12-04T12:34:56.789Z");

    @Property
    void aTimeReadsBackInEveryAcceptedSpelling(@ForAll("instants") Instant t, @ForAll("offsets") ZoneOffset offset) {
        assertThat(TimeParam.parse("from", t.toString())).isEqualTo(t);
        assertThat(TimeParam.parse("from", OffsetDateTime.ofInstant(t, offset).toString())).isEqualTo(t);
        assertThat(TimeParam.parse("from", LocalDateTime.ofInstant(t, ZoneOffset.UTC).toString())).isEqualTo(t);
        Instant midnight = t.truncatedTo(ChronoUnit.DAYS);
        assertThat(TimeParam.parse("from", midnight.atOffset(ZoneOffset.UTC).toLocalDate().toString())).isEqualTo(midnight);
    }

    @Property
    void anyTimeTextIsATimeOrAnInvalidArgument(@ForAll("times") String text) {
        invalidOrNothing(catchThrowable(() -> TimeParam.parse("from", text)));
    }

    @Property
    void anyUsageQueryIsAQueryOrAnInvalidArgument(@ForAll("queries") Map<String, String> params, @ForAll boolean retention) {
        Throwable thrown = catchThrowable(() -> {
            UsageQuery q = UsageQuery.parse(params, NOW, retention ? Duration.ofDays(35) : null);
            assertThat(q.from()).isBeforeOrEqualTo(q.to());
            if (params.containsKey("machine")) {
                assertThat(q.machine().toString()).isEqualToIgnoringCase(params.get("machine"));
            }
            assertThat(Duration.between(q.from(), q.to())).isLessThanOrEqualTo(q.source(NOW).widestQuery());
        });
        invalidOrNothing(thrown);
    }

    @Property
    void anyExportQueryIsAQueryOrAnInvalidArgument(@ForAll("queries") Map<String, String> params) {
        Map<String, String> export = new HashMap<>(params);
        export.remove("granularity");
        export.remove("per");
        export.remove("machine");
        Throwable thrown = catchThrowable(() -> {
            ExportQuery q = ExportQuery.parse(export, NOW);
            assertThat(Duration.between(q.from(), q.to())).isLessThanOrEqualTo(ExportQuery.WIDEST);
        });
        invalidOrNothing(thrown);
    }

    private static void invalidOrNothing(Throwable thrown) {
        if (thrown != null) {
            assertThat(thrown).isInstanceOf(GantryException.class);
            assertThat(((GantryException) thrown).code()).isEqualTo(ErrorCode.InvalidArgument);
        }
    }

    @Provide
    Arbitrary<Instant> instants() {
        return Arbitraries.oneOf(
                Arbitraries.longs().between(-62_000_000_000L, 250_000_000_000L).map(Instant::ofEpochSecond),
                Arbitraries.longs().between(1_700_000_000_000L, 1_900_000_000_000L).map(Instant::ofEpochMilli));
    }

    @Provide
    Arbitrary<ZoneOffset> offsets() {
        return Arbitraries.integers().between(-18 * 3600, 18 * 3600).map(s -> ZoneOffset.ofTotalSeconds(s / 60 * 60));
    }

    @Provide
    Arbitrary<String> times() {
        return Arbitraries.oneOf(instants().map(Instant::toString), Arbitraries.strings().all().ofMaxLength(30),
                Arbitraries.strings().withChars("0123456789-+:TZ.W ").ofMaxLength(30),
                Arbitraries.of("", " ", "+999999999-12-31T23:59:59Z", "-999999999-01-01T00:00:00Z", "+999999999-12-31T23:59:59-18:00",
                        "-999999999-01-01T00:00:00+18:00", "+1000000000-01-01", "2026-02-30", "2026-12-04T24:00", "2026-12-04T12:00+19:00",
                        "9".repeat(100), "2026-12-04T12:00:00.123456789123Z"));
    }

    @Provide
    Arbitrary<Map<String, String>> queries() {
        Arbitrary<String> from = Arbitraries.oneOf(times(), instants().map(t -> NOW.minusSeconds(Math.abs(t.getEpochSecond() % 40_000_000L))
                .truncatedTo(ChronoUnit.HOURS).toString()));
        Arbitrary<String> to = Arbitraries.oneOf(times(), Arbitraries.just(NOW.toString()), Arbitraries.just("2026-12-04"));
        Arbitrary<String> granularity = Arbitraries.of("minute", "hour", "day", "total", "week", "", "HOUR");
        Arbitrary<String> per = Arbitraries.of("instance", "total", "zone");
        Arbitrary<String> machine = Arbitraries.of("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0", "1-1-1-1-1", "x", "",
                "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0-0");
        Arbitrary<String> format = Arbitraries.of("csv", "json", "xml");
        return Combinators.combine(from.injectNull(0.3), to.injectNull(0.3), granularity.injectNull(0.3), per.injectNull(0.5),
                        machine.injectNull(0.5), format.injectNull(0.5), Arbitraries.of("from", "x", "FROM").injectNull(0.9))
                .as((f, t, g, p, m, fmt, extra) -> {
                    Map<String, String> q = new HashMap<>();
                    put(q, "from", f);
                    put(q, "to", t);
                    put(q, "granularity", g);
                    put(q, "per", p);
                    put(q, "machine", m);
                    put(q, "format", fmt);
                    put(q, extra, "1");
                    return q;
                });
    }

    private static void put(Map<String, String> q, String key, String value) {
        if (key != null && value != null) {
            q.put(key, value);
        }
    }
}
