package io.gantry.metering.usage;

import io.gantry.common.GantryException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Locale;

/** A budget period: the UTC hour, day or calendar month that holds a moment. */
public enum Period {
    HOUR,
    DAY,
    MONTH;

    /** The start of the period that holds {@code time}. */
    public Instant start(Instant time) {
        return switch (this) {
            case HOUR -> time.truncatedTo(ChronoUnit.HOURS);
            case DAY -> time.truncatedTo(ChronoUnit.DAYS);
            case MONTH -> ZonedDateTime.ofInstant(time, ZoneOffset.UTC).truncatedTo(ChronoUnit.DAYS).withDayOfMonth(1).toInstant();
        };
    }

    /** The end (exclusive) of the period that starts at {@code start}. */
    public Instant end(Instant start) {
        return switch (this) {
            case HOUR -> start.plus(1, ChronoUnit.HOURS);
            case DAY -> start.plus(1, ChronoUnit.DAYS);
            case MONTH -> ZonedDateTime.ofInstant(start, ZoneOffset.UTC).plusMonths(1).toInstant();
        };
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Period fromWire(String name) {
        for (Period p : values()) {
            if (p.wireName().equals(name)) {
                return p;
            }
        }
        throw GantryException.invalid("period must be hour, day or month; got '" + name + "'");
    }
}
