package io.gantry.metering.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gantry.common.GantryException;
import io.gantry.metering.usage.Granularity;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class UsageQueryTest {
    private static final Instant NOW = Instant.parse("2026-11-25T13:47:10Z");

    @Test
    void withoutParametersItIsThisMonthByHourForTheWholeAccount() {
        UsageQuery q = UsageQuery.parse(Map.of(), NOW);

        assertThat(q.from()).isEqualTo(Instant.parse("2026-11-01T00:00:00Z"));
        assertThat(q.to()).isEqualTo(NOW);
        assertThat(q.granularity()).isEqualTo(Granularity.HOUR);
        assertThat(q.perInstance()).isFalse();
        assertThat(q.machine()).isNull();
    }

    @Test
    void aShortenedMachineUuidIsRefusedRatherThanTakenForAnother() {
        // found by UsageQueryProperties: UUID.fromString read 1-1-1-1-1 as 00000001-0001-0001-0001-000000000001
        assertThatThrownBy(() -> UsageQuery.parse(Map.of("machine", "1-1-1-1-1"), NOW)).isInstanceOf(GantryException.class)
                .hasMessage("machine must be a machine's uuid; got '1-1-1-1-1'");
        UUID id = UUID.fromString("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0");
        assertThat(UsageQuery.parse(Map.of("machine", id.toString().toUpperCase()), NOW).machine()).isEqualTo(id);
    }

    @Test
    void timesMayCarryAnOffsetOrBeUtcOrBeBareDates() {
        UsageQuery q = UsageQuery.parse(Map.of("from", "2026-11-20T14:00:00+01:00", "to", "2026-11-21", "per", "instance",
                "granularity", "minute", "machine", "3f1c2a4e-0000-4000-8000-000000000001"), NOW);

        assertThat(q.from()).isEqualTo(Instant.parse("2026-11-20T13:00:00Z"));
        assertThat(q.to()).isEqualTo(Instant.parse("2026-11-21T00:00:00Z"));
        assertThat(q.perInstance()).isTrue();
        assertThat(q.machine()).isEqualTo(UUID.fromString("3f1c2a4e-0000-4000-8000-000000000001"));
        assertThat(UsageQuery.parse(Map.of("from", "2026-11-20T10:15"), NOW).from()).isEqualTo(Instant.parse("2026-11-20T10:15:00Z"));
    }

    @Test
    void aTotalReadsTheCoarsestTableThatCutsNoBucket() {
        assertThat(UsageQuery.parse(Map.of("granularity", "total", "from", "2026-11-01", "to", "2026-11-20"), NOW).source(NOW))
                .isEqualTo(Granularity.DAY);
        assertThat(UsageQuery.parse(Map.of("granularity", "total", "from", "2026-11-01"), NOW).source(NOW))
                .as("to = now: later buckets are empty anyway").isEqualTo(Granularity.DAY);
        assertThat(UsageQuery.parse(Map.of("granularity", "total", "from", "2026-11-20T05:00:00Z", "to", "2026-11-20T07:00:00Z"), NOW)
                .source(NOW)).isEqualTo(Granularity.HOUR);
        assertThat(UsageQuery.parse(Map.of("granularity", "total", "from", "2026-11-20T05:10:00Z", "to", "2026-11-20T07:00:00Z"), NOW)
                .source(NOW)).isEqualTo(Granularity.MINUTE);
    }

    @Test
    void badParametersAreRefusedWithWhatIsAccepted() {
        assertThatThrownBy(() -> UsageQuery.parse(Map.of("granularity", "week"), NOW)).isInstanceOf(GantryException.class)
                .hasMessageContaining("minute, hour, day or total");
        assertThatThrownBy(() -> UsageQuery.parse(Map.of("per", "zone"), NOW)).hasMessageContaining("instance or total");
        assertThatThrownBy(() -> UsageQuery.parse(Map.of("from", "yesterday"), NOW)).hasMessageContaining("ISO-8601");
        assertThatThrownBy(() -> UsageQuery.parse(Map.of("machine", "m1"), NOW)).hasMessageContaining("uuid");
        assertThatThrownBy(() -> UsageQuery.parse(Map.of("form", "2026-11-01"), NOW)).hasMessageContaining("unknown parameter 'form'")
                .hasMessageContaining("granularity");
        assertThatThrownBy(() -> UsageQuery.parse(Map.of("from", "2026-11-20", "to", "2026-11-19"), NOW)).hasMessageContaining("after");
    }

    @Test
    void aRangeTooWideForItsGranularityIsRefused() {
        assertThatThrownBy(() -> UsageQuery.parse(Map.of("granularity", "minute", "from", "2026-10-01", "to", "2026-11-02"), NOW))
                .isInstanceOf(GantryException.class).hasMessageContaining("at most 31 days");
        assertThat(UsageQuery.parse(Map.of("granularity", "minute", "from", "2026-10-02", "to", "2026-11-02"), NOW).granularity())
                .isEqualTo(Granularity.MINUTE);
        assertThatThrownBy(() -> UsageQuery.parse(Map.of("granularity", "hour", "from", "2025-01-01", "to", "2026-11-02"), NOW))
                .hasMessageContaining("at most 366 days");
        assertThatThrownBy(() -> UsageQuery.parse(Map.of("granularity", "total", "from", "2026-09-01T00:30:00Z", "to", "2026-11-02"), NOW))
                .hasMessageContaining("whole UTC hours or days");
    }

    @Test
    void minutesOlderThanTheirRetentionAreNotPromised() {
        Duration kept = Duration.ofDays(35);
        assertThatThrownBy(() -> UsageQuery.parse(Map.of("granularity", "minute", "from", "2026-10-01T10:00:00Z",
                "to", "2026-10-01T11:00:00Z"), NOW, kept)).isInstanceOf(GantryException.class).hasMessageContaining("kept 35 days");
        assertThatThrownBy(() -> UsageQuery.parse(Map.of("granularity", "total", "from", "2026-10-01T10:05:00Z",
                "to", "2026-10-01T11:00:00Z"), NOW, kept)).hasMessageContaining("granularity hour or day");
        assertThat(UsageQuery.parse(Map.of("granularity", "total", "from", "2026-10-01T10:00:00Z", "to", "2026-10-01T11:00:00Z"), NOW, kept)
                .source(NOW)).as("whole hours come from the hour table").isEqualTo(Granularity.HOUR);
        assertThat(UsageQuery.parse(Map.of("granularity", "minute", "from", "2026-11-19T10:00:00Z", "to", "2026-11-19T11:00:00Z"), NOW, kept)
                .granularity()).isEqualTo(Granularity.MINUTE);
    }
}
