package io.gantry.common.usage;

import static org.assertj.core.api.Assertions.assertThat;

import io.gantry.common.Json;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The budget contract between metering and the cloud API, byte for byte as metering writes it. */
class BudgetStatusTest {
    private static final BudgetStatus THROTTLED = new BudgetStatus("cpu", "cpu_hours", 1.0, "day", "throttle", 20, 1.5, 0.0,
            Instant.parse("2026-11-26T00:00:00Z"), Instant.parse("2026-11-27T00:00:00Z"), BudgetStatus.EXCEEDED,
            Instant.parse("2026-11-26T12:59:01.691Z"));
    private static final BudgetStatus STOP_OK = new BudgetStatus("cap", "network_gb", 10.0, "month", "stop", null, 2.25, 7.75,
            Instant.parse("2026-11-01T00:00:00Z"), Instant.parse("2026-12-01T00:00:00Z"), BudgetStatus.OK, null);

    @Test
    void itIsWrittenWithMeteringsNamesInMeteringsOrderWithoutNulls() {
        assertThat(Json.write(THROTTLED)).isEqualTo("""
                {"name":"cpu","metric":"cpu_hours","limit":1.0,"period":"day","policy":"throttle","throttle_cpu_cap":20,\
                "used":1.5,"remaining":0.0,"period_start":"2026-11-26T00:00:00Z","period_end":"2026-11-27T00:00:00Z",\
                "state":"exceeded","breached_at":"2026-11-26T12:59:01.691Z"}""");
        assertThat(Json.write(STOP_OK)).isEqualTo("""
                {"name":"cap","metric":"network_gb","limit":10.0,"period":"month","policy":"stop","used":2.25,"remaining":7.75,\
                "period_start":"2026-11-01T00:00:00Z","period_end":"2026-12-01T00:00:00Z","state":"ok"}""");
    }

    @Test
    void itReadsBackAsWritten() {
        assertThat(Json.read(Json.write(THROTTLED), BudgetStatus.class)).isEqualTo(THROTTLED);
        assertThat(Json.read(Json.write(STOP_OK), BudgetStatus.class)).isEqualTo(STOP_OK);
    }

    @Test
    void onlyAnExceededStopBudgetStopsMachines() {
        assertThat(THROTTLED.exceeded()).isTrue();
        assertThat(THROTTLED.stopsMachines()).isFalse();
        assertThat(STOP_OK.stopsMachines()).isFalse();
        BudgetStatus stopExceeded = new BudgetStatus("cap", "network_gb", 10.0, "month", "stop", null, 12.0, 0.0,
                STOP_OK.periodStart(), STOP_OK.periodEnd(), BudgetStatus.EXCEEDED, STOP_OK.periodStart());
        assertThat(stopExceeded.stopsMachines()).isTrue();
    }
}
