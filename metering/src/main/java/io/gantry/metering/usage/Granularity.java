package io.gantry.metering.usage;

import io.gantry.common.GantryException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;

/** The roll-up buckets: UTC minutes, hours and days, each named by its start. */
public enum Granularity {
    MINUTE(ChronoUnit.MINUTES, "usage_minute", Duration.ofDays(31)),
    HOUR(ChronoUnit.HOURS, "usage_hour", Duration.ofDays(366)),
    DAY(ChronoUnit.DAYS, "usage_day", Duration.ofDays(3660));

    private final ChronoUnit unit;
    private final String table;
    private final Duration widestQuery;

    Granularity(ChronoUnit unit, String table, Duration widestQuery) {
        this.unit = unit;
        this.table = table;
        this.widestQuery = widestQuery;
    }

    /** The start of the UTC minute, hour or day that holds {@code time}. */
    public Instant bucket(Instant time) {
        return time.truncatedTo(unit);
    }

    public boolean isAligned(Instant time) {
        return bucket(time).equals(time);
    }

    /** The metering table that holds this granularity's roll-ups. */
    public String table() {
        return "metering." + table;
    }

    /** The widest range a query may ask for in buckets of this size. */
    public Duration widestQuery() {
        return widestQuery;
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Granularity fromWire(String name) {
        for (Granularity g : values()) {
            if (g.wireName().equals(name)) {
                return g;
            }
        }
        throw GantryException.invalid("unknown granularity '" + name + "'");
    }
}
