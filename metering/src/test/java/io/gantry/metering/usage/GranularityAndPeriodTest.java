package io.gantry.metering.usage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gantry.common.GantryException;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class GranularityAndPeriodTest {
    private static Instant t(String s) {
        return Instant.parse(s);
    }

    @Test
    void bucketsAreTheStartOfTheirUtcMinuteHourAndDay() {
        Instant time = t("2026-11-25T13:47:59.999Z");
        assertThat(Granularity.MINUTE.bucket(time)).isEqualTo(t("2026-11-25T13:47:00Z"));
        assertThat(Granularity.HOUR.bucket(time)).isEqualTo(t("2026-11-25T13:00:00Z"));
        assertThat(Granularity.DAY.bucket(time)).isEqualTo(t("2026-11-25T00:00:00Z"));
        assertThat(Granularity.MINUTE.bucket(t("2026-11-25T13:48:00Z"))).isEqualTo(t("2026-11-25T13:48:00Z"));
        assertThat(Granularity.HOUR.isAligned(t("2026-11-25T13:00:00Z"))).isTrue();
        assertThat(Granularity.HOUR.isAligned(t("2026-11-25T13:00:00.001Z"))).isFalse();
    }

    @Test
    void periodsStartAndEndOnUtcBoundaries() {
        Instant time = t("2026-11-25T13:47:10Z");
        assertThat(Period.HOUR.start(time)).isEqualTo(t("2026-11-25T13:00:00Z"));
        assertThat(Period.HOUR.end(Period.HOUR.start(time))).isEqualTo(t("2026-11-25T14:00:00Z"));
        assertThat(Period.DAY.start(time)).isEqualTo(t("2026-11-25T00:00:00Z"));
        assertThat(Period.DAY.end(t("2026-11-25T00:00:00Z"))).isEqualTo(t("2026-11-26T00:00:00Z"));
        assertThat(Period.MONTH.start(time)).isEqualTo(t("2026-11-01T00:00:00Z"));
        assertThat(Period.MONTH.end(t("2026-11-01T00:00:00Z"))).isEqualTo(t("2026-12-01T00:00:00Z"));
    }

    @Test
    void monthsRollOverAtTheirLastInstantIncludingYearEndAndLeapFebruary() {
        assertThat(Period.MONTH.start(t("2026-11-30T23:59:59.999Z"))).isEqualTo(t("2026-11-01T00:00:00Z"));
        assertThat(Period.MONTH.start(t("2026-12-01T00:00:00Z"))).isEqualTo(t("2026-12-01T00:00:00Z"));
        assertThat(Period.MONTH.end(t("2026-12-01T00:00:00Z"))).isEqualTo(t("2027-01-01T00:00:00Z"));
        assertThat(Period.MONTH.start(t("2028-02-29T12:00:00Z"))).isEqualTo(t("2028-02-01T00:00:00Z"));
        assertThat(Period.MONTH.end(t("2028-02-01T00:00:00Z"))).isEqualTo(t("2028-03-01T00:00:00Z"));
        assertThat(Period.MONTH.end(t("2027-02-01T00:00:00Z"))).isEqualTo(t("2027-03-01T00:00:00Z"));
    }

    @Test
    void wireNamesRoundTripAndUnknownOnesAreRefused() {
        for (Period p : Period.values()) {
            assertThat(Period.fromWire(p.wireName())).isEqualTo(p);
        }
        for (Granularity g : Granularity.values()) {
            assertThat(Granularity.fromWire(g.wireName())).isEqualTo(g);
        }
        assertThatThrownBy(() -> Period.fromWire("week")).isInstanceOf(GantryException.class).hasMessageContaining("hour, day or month");
    }

    @Test
    void figuresConvertSumsIntoTheApisUnits() {
        Sums s = new Sums(7_200_000, 5.4e12, 3600.0 * (1L << 30), 123, 2 * 3600.0 * (1L << 30), 3e9, 1.5e9, 2, 3);
        Figures f = Figures.of(s);
        assertThat(f.instanceSeconds()).isEqualTo(7200.0);
        assertThat(f.cpuSeconds()).isEqualTo(5400.0);
        assertThat(f.memoryGibHours()).isEqualTo(1.0);
        assertThat(f.diskGibHours()).isEqualTo(2.0);
        assertThat(f.networkInGb()).isEqualTo(3.0);
        assertThat(f.networkOutGb()).isEqualTo(1.5);
        assertThat(f.memoryPeakBytes()).isEqualTo(123);
        assertThat(s.plus(new Sums(0, 0, 0, 500, 0, 0, 0, 1, 1)).memoryPeakBytes()).as("peaks take the max").isEqualTo(500);
    }
}
