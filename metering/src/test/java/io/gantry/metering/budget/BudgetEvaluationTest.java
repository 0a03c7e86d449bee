package io.gantry.metering.budget;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gantry.common.GantryException;
import io.gantry.metering.usage.Period;
import io.gantry.metering.usage.Sums;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class BudgetEvaluationTest {
    private static final double GIB = 1024.0 * 1024 * 1024;

    private static Budget budget(Metric metric, double limit, Period period) {
        return new Budget(UUID.randomUUID(), UUID.randomUUID().toString(), "b", metric, limit, period, Policy.THROTTLE, 10);
    }

    @Test
    void metricsMeasureUsageInTheirUnits() {
        Sums usage = new Sums(5_400_000, 7.2e12, 3 * 3600 * GIB, 0, 0.5 * 3600 * GIB, 2e9, 0.5e9, 0, 0);
        assertThat(Metric.CPU_HOURS.of(usage)).isEqualTo(2.0);
        assertThat(Metric.INSTANCE_HOURS.of(usage)).isEqualTo(1.5);
        assertThat(Metric.MEMORY_GIB_HOURS.of(usage)).isEqualTo(3.0);
        assertThat(Metric.DISK_GIB_HOURS.of(usage)).isEqualTo(0.5);
        assertThat(Metric.NETWORK_IN_GB.of(usage)).isEqualTo(2.0);
        assertThat(Metric.NETWORK_OUT_GB.of(usage)).isEqualTo(0.5);
        assertThat(Metric.NETWORK_GB.of(usage)).isEqualTo(2.5);
        // GB is decimal, GiB binary
        assertThat(Metric.NETWORK_IN_GB.of(new Sums(0, 0, 0, 0, 0, GIB, 0, 0, 0))).isEqualTo(1.073741824);
    }

    @Test
    void aBudgetIsExceededOnlyBeyondItsLimit() {
        Instant now = Instant.parse("2026-11-25T13:30:00Z");
        Budget twoCpuHours = budget(Metric.CPU_HOURS, 2.0, Period.DAY);

        BudgetState at = BudgetState.of(twoCpuHours, new Sums(0, 7.2e12, 0, 0, 0, 0, 0, 0, 0), now, null);
        BudgetState over = BudgetState.of(twoCpuHours, new Sums(0, 7.2e12 + 1, 0, 0, 0, 0, 0, 0, 0), now, null);
        BudgetState under = BudgetState.of(twoCpuHours, new Sums(0, 3.6e12, 0, 0, 0, 0, 0, 0, 0), now, null);

        assertThat(at.exceeded()).isFalse();
        assertThat(over.exceeded()).isTrue();
        assertThat(over.remaining()).isZero();
        assertThat(under.exceeded()).isFalse();
        assertThat(under.remaining()).isEqualTo(1.0);
        assertThat(under.periodStart()).isEqualTo(Instant.parse("2026-11-25T00:00:00Z"));
        assertThat(under.periodEnd()).isEqualTo(Instant.parse("2026-11-26T00:00:00Z"));
    }

    @Test
    void theCurrentPeriodFollowsTheClockAcrossAMonthRollover() {
        Budget monthly = budget(Metric.CPU_HOURS, 1, Period.MONTH);
        BudgetState lastSecond = BudgetState.of(monthly, Sums.ZERO, Instant.parse("2026-11-30T23:59:59Z"), null);
        BudgetState firstSecond = BudgetState.of(monthly, Sums.ZERO, Instant.parse("2026-12-01T00:00:00Z"), null);

        assertThat(lastSecond.periodStart()).isEqualTo(Instant.parse("2026-11-01T00:00:00Z"));
        assertThat(lastSecond.periodEnd()).isEqualTo(Instant.parse("2026-12-01T00:00:00Z"));
        assertThat(firstSecond.periodStart()).isEqualTo(Instant.parse("2026-12-01T00:00:00Z"));
        assertThat(firstSecond.periodEnd()).isEqualTo(Instant.parse("2027-01-01T00:00:00Z"));
    }

    @Test
    void unknownMetricsAndPoliciesAreRefusedWithWhatIsAccepted() {
        assertThatThrownBy(() -> Metric.fromWire("gpu_hours")).isInstanceOf(GantryException.class)
                .hasMessageContaining("cpu_hours").hasMessageContaining("network_gb");
        assertThatThrownBy(() -> Policy.fromWire("delete")).isInstanceOf(GantryException.class)
                .hasMessageContaining("notify, throttle or stop");
        assertThat(Metric.fromWire("memory_gib_hours")).isEqualTo(Metric.MEMORY_GIB_HOURS);
    }
}
