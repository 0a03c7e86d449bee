package io.gantry.metering.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import io.gantry.common.limits.ProvisionLimit;
import io.gantry.metering.budget.BudgetState;
import io.gantry.metering.budget.Policy;
import io.gantry.metering.usage.Figures;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** The JSON bodies of the usage, budget and limit API. */
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

    record Budget(@JsonProperty("name") String name, @JsonProperty("metric") String metric, @JsonProperty("limit") double limit,
                  @JsonProperty("period") String period, @JsonProperty("policy") String policy,
                  @JsonProperty("throttle_cpu_cap") Integer throttleCpuCap, @JsonProperty("used") double used,
                  @JsonProperty("remaining") double remaining, @JsonProperty("period_start") Instant periodStart,
                  @JsonProperty("period_end") Instant periodEnd, @JsonProperty("state") String state,
                  @JsonProperty("breached_at") Instant breachedAt) {

        static Budget of(BudgetState s) {
            var b = s.budget();
            return new Budget(b.name(), b.metric().wireName(), b.limit(), b.period().wireName(), b.policy().wireName(),
                    b.policy() == Policy.THROTTLE ? b.throttleCpuCap() : null, s.used(), s.remaining(), s.periodStart(), s.periodEnd(),
                    s.exceeded() ? "exceeded" : "ok", s.breachedAt());
        }
    }

    /** A provisioning limit; {@code check} and {@code check_value} only when it counts some machines only. */
    record Limit(@JsonProperty("by") String by, @JsonProperty("value") long value, @JsonProperty("check") String check,
                 @JsonProperty("check_value") String checkValue) {

        static Limit of(ProvisionLimit l) {
            return new Limit(l.by().wireName(), l.value(), l.check() == null ? null : l.check().wireName(), l.checkValue());
        }
    }

    record Export(@JsonProperty("from") Instant from, @JsonProperty("to") Instant to, @JsonProperty("rows") List<ExportRow> rows) {
    }

    record Ping(@JsonProperty("ok") boolean ok, @JsonProperty("leader") boolean leader) {
    }
}
