package io.gantry.cloudapi.admission;

import io.gantry.common.ErrorCode;
import io.gantry.common.GantryException;
import io.gantry.common.limits.Footprint;
import io.gantry.common.limits.ProvisionLimit;
import java.util.List;

/**
 * Checks a new or resized machine against every limit that applies to it, given the machines the
 * account already has. Pure; the caller holds the account's lock while it checks and inserts, so
 * concurrent creates cannot both pass on the same headroom.
 */
public final class Admission {
    private Admission() {
    }

    public record Usage(ProvisionLimit limit, long used) {
    }

    /** Throws QuotaExceeded naming the first limit {@code adding} would break. */
    public static void check(List<ProvisionLimit> limits, List<Footprint> existing, Footprint adding) {
        for (ProvisionLimit limit : limits) {
            if (!limit.applies(adding) || limit.value() == ProvisionLimit.UNLIMITED) {
                continue;
            }
            if (limit.value() == ProvisionLimit.FORBIDDEN) {
                throw new GantryException(ErrorCode.QuotaExceeded, "provisioning limit: this account may provision "
                        + limit.describe());
            }
            long used = used(limit, existing);
            long after = used + limit.amountOf(adding);
            if (after > limit.value()) {
                throw new GantryException(ErrorCode.QuotaExceeded, "provisioning limit reached: this account may have "
                        + limit.describe() + "; " + used + " in use, this machine needs " + limit.amountOf(adding)
                        + unit(limit, limit.amountOf(adding)));
            }
        }
    }

    private static String unit(ProvisionLimit limit, long amount) {
        return switch (limit.by()) {
            case COUNT -> "";
            case RAM -> " MiB";
            case QUOTA -> " GiB";
            case VCPUS -> amount == 1 ? " vCPU" : " vCPUs";
        };
    }

    public static long used(ProvisionLimit limit, List<Footprint> machines) {
        return machines.stream().filter(limit::applies).mapToLong(limit::amountOf).sum();
    }

    public static List<Usage> usage(List<ProvisionLimit> limits, List<Footprint> machines) {
        return limits.stream().map(l -> new Usage(l, used(l, machines))).toList();
    }
}
