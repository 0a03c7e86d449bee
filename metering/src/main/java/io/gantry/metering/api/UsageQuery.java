package io.gantry.metering.api;

import io.gantry.common.GantryException;
import io.gantry.metering.usage.Granularity;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * A checked {@code GET /v1/accounts/:account/usage} query. A bucket belongs to [from, to) when it
 * starts in it. {@code granularity=total} sums the finest stored granularity that the range allows
 * without cutting a bucket: days when from and to are whole UTC days, else hours, else minutes (a
 * {@code to} at or after now counts as aligned: later buckets hold nothing yet).
 *
 * @param granularity null for total
 * @param machine     null for all the account's machines
 */
public record UsageQuery(Instant from, Instant to, Granularity granularity, boolean perInstance, UUID machine) {
    static final Set<String> PARAMS = Set.of("from", "to", "granularity", "per", "machine");

    public static UsageQuery parse(Map<String, String> params, Instant now) {
        return parse(params, now, null);
    }

    /** As {@link #parse(Map, Instant)}; a query that needs minutes older than {@code minuteRetention} is refused. */
    public static UsageQuery parse(Map<String, String> params, Instant now, Duration minuteRetention) {
        for (String name : params.keySet()) {
            if (!PARAMS.contains(name)) {
                throw GantryException.invalid("unknown parameter '" + name + "': accepted are from, to (" + TimeParam.ACCEPTED
                        + "), granularity (minute, hour, day, total), per (instance, total) and machine (a machine uuid)");
            }
        }
        TimeParam.Range range = TimeParam.range(params, now);
        Instant from = range.from();
        Instant to = range.to();
        String g = params.getOrDefault("granularity", "hour");
        Granularity granularity = switch (g) {
            case "minute" -> Granularity.MINUTE;
            case "hour" -> Granularity.HOUR;
            case "day" -> Granularity.DAY;
            case "total" -> null;
            default -> throw GantryException.invalid("granularity must be minute, hour, day or total; got '" + g + "'");
        };
        String per = params.getOrDefault("per", "total");
        if (!per.equals("instance") && !per.equals("total")) {
            throw GantryException.invalid("per must be instance or total; got '" + per + "'");
        }
        UUID machine = null;
        if (params.containsKey("machine")) {
            String text = params.get("machine");
            try {
                machine = UUID.fromString(text);
            } catch (IllegalArgumentException e) {
                machine = null;
            }
            if (machine == null || !machine.toString().equalsIgnoreCase(text)) { // UUID.fromString also takes 1-1-1-1-1
                throw GantryException.invalid("machine must be a machine's uuid; got '" + text + "'");
            }
        }
        UsageQuery q = new UsageQuery(from, to, granularity, per.equals("instance"), machine);
        Granularity source = q.source(now);
        Duration width = Duration.between(from, to);
        if (width.compareTo(source.widestQuery()) > 0) {
            throw GantryException.invalid("from " + from + " to " + to + " spans " + width.toDays() + " days, too wide for "
                    + (granularity == null ? "a total over " + source.wireName() + " buckets (make from and to whole UTC hours or days)"
                    : "granularity " + granularity.wireName()) + ": at most " + source.widestQuery().toDays() + " days");
        }
        if (source == Granularity.MINUTE && minuteRetention != null && from.isBefore(now.minus(minuteRetention))) {
            throw GantryException.invalid("minute roll-ups are kept " + minuteRetention.toDays() + " days and from (" + from
                    + ") is older: ask for granularity hour or day, or a total between whole UTC hours");
        }
        return q;
    }

    /** The granularity whose table answers this query. */
    public Granularity source(Instant now) {
        if (granularity != null) {
            return granularity;
        }
        for (Granularity g : new Granularity[] {Granularity.DAY, Granularity.HOUR}) {
            if (g.isAligned(from) && (g.isAligned(to) || !to.isBefore(now))) {
                return g;
            }
        }
        return Granularity.MINUTE;
    }

    public String granularityName() {
        return granularity == null ? "total" : granularity.wireName();
    }
}
