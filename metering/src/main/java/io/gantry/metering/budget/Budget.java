package io.gantry.metering.budget;

import io.gantry.metering.usage.Period;
import java.util.UUID;

/**
 * An operator's bound on one account's usage: at most {@code limit} of {@code metric} per
 * {@code period}, and what to do beyond it.
 *
 * @param account        the account's uuid as text
 * @param throttleCpuCap the CPU cap (percent of one CPU) of the throttle policy
 */
public record Budget(UUID id, String account, String name, Metric metric, double limit, Period period, Policy policy,
                     int throttleCpuCap) {
}
