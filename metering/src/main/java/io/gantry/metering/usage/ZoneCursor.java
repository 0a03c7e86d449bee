package io.gantry.metering.usage;

import java.time.Instant;
import java.util.UUID;

/** How far a zone's records have been rolled up: the last record applied and its counters. */
public record ZoneCursor(UUID zone, String account, String packageName, long seq, Instant time, Counters counters) {
}
