package io.gantry.cloudapi.api.view;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Map;

/**
 * A usage budget shown among the limits: {@code by} is the metric, {@code value} the limit per
 * period, so the triton CLI's table lists it beside the provisioning limits. The values are metering's
 * as it wrote them (numbers keep their JSON type); {@code breached_at} only once breached.
 */
@JsonPropertyOrder({"by", "value", "used", "remaining", "budget", "period", "policy", "state", "period_start", "period_end",
        "breached_at"})
public record BudgetView(Object by, Object value, Object used, Object remaining, Object budget, Object period, Object policy,
                         Object state, @JsonProperty("period_start") Object periodStart, @JsonProperty("period_end") Object periodEnd,
                         @JsonProperty("breached_at") Object breachedAt) {

    /** From one budget of metering's {@code GET /v1/accounts/:id/budgets}. */
    public static BudgetView of(Map<String, Object> b) {
        return new BudgetView(b.get("metric"), b.get("limit"), b.get("used"), b.get("remaining"), b.get("name"), b.get("period"),
                b.get("policy"), b.get("state"), b.get("period_start"), b.get("period_end"), b.get("breached_at"));
    }
}
