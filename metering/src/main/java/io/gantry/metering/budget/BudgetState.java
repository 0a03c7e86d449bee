package io.gantry.metering.budget;

import io.gantry.metering.usage.Sums;
import java.time.Instant;

/**
 * A budget in its current period: how much was used, and whether that is over the limit.
 *
 * @param breachedAt when the breach in this period was first recorded, or null
 */
public record BudgetState(Budget budget, double used, Instant periodStart, Instant periodEnd, Instant breachedAt) {

    /** Evaluates {@code budget} at {@code now} against the account's usage in the period that holds now. */
    public static BudgetState of(Budget budget, Sums periodUsage, Instant now, Instant breachedAt) {
        Instant start = budget.period().start(now);
        return new BudgetState(budget, budget.metric().of(periodUsage), start, budget.period().end(start), breachedAt);
    }

    /** Exceeded means strictly more than the limit: a limit of 10 allows 10. */
    public boolean exceeded() {
        return used > budget.limit();
    }

    public double remaining() {
        return Math.max(0, budget.limit() - used);
    }
}
