package io.gantry.metering.api;

import io.gantry.common.GantryException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

/** A checked {@code GET /v1/export} query: [from, to) (this month so far by default) and csv or json. */
record ExportQuery(Instant from, Instant to, boolean json) {
    static final Duration WIDEST = Duration.ofDays(366);
    private static final Set<String> PARAMS = Set.of("from", "to", "format");

    static ExportQuery parse(Map<String, String> params, Instant now) {
        for (String name : params.keySet()) {
            if (!PARAMS.contains(name)) {
                throw GantryException.invalid("unknown parameter '" + name + "': accepted are from, to (" + TimeParam.ACCEPTED
                        + ") and format (csv or json)");
            }
        }
        TimeParam.Range range = TimeParam.range(params, now);
        if (Duration.between(range.from(), range.to()).compareTo(WIDEST) > 0) {
            throw GantryException.invalid("an export covers at most " + WIDEST.toDays() + " days; export longer ranges in parts");
        }
        String format = params.getOrDefault("format", "csv");
        if (!format.equals("csv") && !format.equals("json")) {
            throw GantryException.invalid("format must be csv or json; got '" + format + "'");
        }
        return new ExportQuery(range.from(), range.to(), format.equals("json"));
    }
}
