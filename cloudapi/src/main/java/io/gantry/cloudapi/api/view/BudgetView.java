package io.gantry.cloudapi.api.view;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.gantry.common.usage.BudgetStatus;
import java.time.Instant;

/**
 * A usage budget shown among the limits: {@code by} is the metric, {@code value} the limit per
 * period, so the triton CLI's table lists it beside the provisioning limits. Times as metering wrote
 * them; {@code breached_at} only once breached.
 */
@JsonPropertyOrder({"by", "value", "used", "remaining", "budget", "period", "policy", "state", "period_start", "period_end",
        "breached_at"})
public record BudgetView(String by, double value, double used, double remaining, String budget, String period, String policy,
                         String state, @JsonProperty("period_start") Instant periodStart, @JsonProperty("period_end") Instant periodEnd,
                         @JsonProperty("breached_at") Instant breachedAt) {

    /** From one budget of metering's {@code GET /v1/accounts/:id/budgets}. */
    public static BudgetView of(BudgetStatus b) {
        return new BudgetView(b.metric(), b.limit(), b.used(), b.remaining(), b.name(), b.period(), b.policy(), b.state(),
                b.periodStart(), b.periodEnd(), b.breachedAt());
    }
}
