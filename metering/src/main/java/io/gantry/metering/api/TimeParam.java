package io.gantry.metering.api;

import io.gantry.common.GantryException;
import io.gantry.metering.usage.Period;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Map;

/** Query-string times: ISO-8601 with an offset, or without one (UTC), or a bare date (UTC midnight). */
final class TimeParam {
    static final String ACCEPTED = "ISO-8601 such as 2026-11-25T13:00:00Z, 2026-11-25T14:00:00+01:00, 2026-11-25T13:00 (UTC) or 2026-11-25 (UTC midnight)";

    private TimeParam() {
    }

    /** A query's [from, to): from defaults to the start of this UTC month, to to now. */
    record Range(Instant from, Instant to) {
    }

    static Range range(Map<String, String> params, Instant now) {
        Instant from = params.containsKey("from") ? parse("from", params.get("from")) : Period.MONTH.start(now);
        Instant to = params.containsKey("to") ? parse("to", params.get("to")) : now;
        if (from.isAfter(to)) {
            throw GantryException.invalid("from (" + from + ") is after to (" + to + ")");
        }
        return new Range(from, to);
    }

    static Instant parse(String name, String value) {
        String v = value.trim();
        try {
            return OffsetDateTime.parse(v).toInstant();
        } catch (DateTimeParseException ignored) {
            // next form
        }
        try {
            return LocalDateTime.parse(v).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException ignored) {
            // next form
        }
        try {
            return LocalDate.parse(v).atStartOfDay().toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            throw GantryException.invalid(name + " '" + value + "' is not a time: use " + ACCEPTED);
        }
    }
}
