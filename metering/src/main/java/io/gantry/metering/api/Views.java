package io.gantry.metering.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import io.gantry.common.usage.BudgetStatus;
import io.gantry.metering.budget.BudgetState;
import io.gantry.metering.budget.Policy;
import io.gantry.metering.usage.Figures;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** The JSON bodies of the usage and budget API. */
final class Views {
    private Views() {
    }

    record UsageRow(@JsonProperty("start") Instant start, @JsonProperty("machine") UUID machine,
                    @JsonProperty("package") String packageName, @JsonUnwrapped Figures figures) {
    }

    record Usage(@JsonProperty("account") String account, @JsonProperty("from") Instant from, @JsonProperty("to") Instant to,
                 @JsonProperty("granularity") String granularity, @JsonProperty("per") String per,
                 @JsonProperty("rows") List<UsageRow> rows, @JsonProperty("total") Figures total) {
    }

    /** A budget in its current period, in the contract the cloud API reads. */
    static BudgetStatus budget(BudgetState s) {
        var b = s.budget();
        return new BudgetStatus(b.name(), b.metric().wireName(), b.limit(), b.period().wireName(), b.policy().wireName(),
                b.policy() == Policy.THROTTLE ? b.throttleCpuCap() : null, s.used(), s.remaining(), s.periodStart(), s.periodEnd(),
                s.exceeded() ? BudgetStatus.EXCEEDED : BudgetStatus.OK, s.breachedAt());
    }

    record Export(@JsonProperty("from") Instant from, @JsonProperty("to") Instant to, @JsonProperty("rows") List<ExportRow> rows) {
    }

    record Ping(@JsonProperty("ok") boolean ok, @JsonProperty("leader") boolean leader) {
    }
}
