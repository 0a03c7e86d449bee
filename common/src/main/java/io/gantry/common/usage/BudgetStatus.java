package io.gantry.common.usage;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;

/**
 * One usage budget of an account in its current period, as metering answers
 * {@code GET /v1/accounts/:account/budgets} and the cloud API reads it (to refuse a create or start
 * while a stop budget is exceeded, and to list budgets beside the provisioning limits).
 *
 * @param limit the most that may be used per period, in the metric's unit
 * @param throttleCpuCap the CPU cap a throttled zone runs under; only for the {@code throttle} policy
 * @param state {@link #OK} or {@link #EXCEEDED} (strictly more used than the limit)
 * @param breachedAt when the breach in this period was first recorded; null while not breached
 */
public record BudgetStatus(
        String name,
        String metric,
        double limit,
        String period,
        String policy,
        @JsonProperty("throttle_cpu_cap") Integer throttleCpuCap,
        double used,
        double remaining,
        @JsonProperty("period_start") Instant periodStart,
        @JsonProperty("period_end") Instant periodEnd,
        String state,
        @JsonProperty("breached_at") Instant breachedAt) {

    public static final String OK = "ok";
    public static final String EXCEEDED = "exceeded";
    /** The policy that stops the account's machines while the budget is exceeded. */
    public static final String STOP = "stop";

    public boolean exceeded() {
        return EXCEEDED.equals(state);
    }

    /** An exceeded stop budget: a machine created or started now would only be stopped again. */
    public boolean stopsMachines() {
        return STOP.equals(policy) && exceeded();
    }
}
