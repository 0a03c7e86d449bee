package io.gantry.cloudapi.api.view;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** CloudAPI's timestamps: UTC, milliseconds, a literal Z ({@code 2026-03-01T12:05:06.789Z}). */
final class WireTime {
    private static final DateTimeFormatter ISO = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'");

    private WireTime() {
    }

    static String of(OffsetDateTime t) {
        return t == null ? null : ISO.format(t.withOffsetSameInstant(ZoneOffset.UTC));
    }
}
