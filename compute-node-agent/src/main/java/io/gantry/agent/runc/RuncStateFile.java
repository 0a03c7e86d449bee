package io.gantry.agent.runc;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.gantry.common.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * Reads runc's own record of a container, {@code <runc root>/<id>/state.json}, instead of starting
 * {@code runc state} (a process per call, about 20 ms): the metering path reads it once a second per
 * zone. runc replaces the file by rename, so a read sees a whole version of it.
 *
 * <p>The container runs while its init process lives: a process with the recorded PID whose start
 * time (field 22 of {@code /proc/<pid>/stat}) equals the recorded {@code init_process_start} and
 * that is not a zombie. That is the test runc itself applies, so a recycled PID is not mistaken for
 * the zone.
 */
final class RuncStateFile {
    /** The container's init as runc recorded it. */
    record Init(long pid, long startTicks, long createdMillis) {
        /** Names this run of the zone: a restarted zone has a new init, hence a new incarnation. */
        String incarnation() {
            return pid + "@" + startTicks;
        }

        /** Whether this very process (not a later one with a recycled PID) is alive and not a zombie. */
        boolean alive() {
            return processStart(pid).map(start -> start == startTicks).orElse(false);
        }
    }

    private RuncStateFile() {
    }

    static Path path(Path runcRoot, String containerId) {
        return runcRoot.resolve(containerId).resolve("state.json");
    }

    /** The recorded init, or empty when runc has no such container (never made, or deleted). */
    static Optional<Init> read(Path runcRoot, String containerId) {
        Path file = path(runcRoot, containerId);
        try (InputStream in = Files.newInputStream(file);
             JsonParser p = Json.mapper().getFactory().createParser(in)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return Optional.empty();
            }
            long pid = -1;
            long start = -1;
            long created = -1;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if (value != null && value.isStructStart()) {
                    p.skipChildren(); // "config" and the rest; a known field as an object or array is no value
                    continue;
                }
                switch (field) {
                    case "init_process_pid" -> pid = p.getValueAsLong(-1);
                    case "init_process_start" -> start = value == JsonToken.VALUE_STRING
                            ? Long.parseLong(p.getText().strip()) : p.getValueAsLong(-1);
                    case "created" -> created = parseTime(p.getValueAsString());
                    default -> {
                        // a scalar not needed
                    }
                }
            }
            return pid > 0 && start >= 0 ? Optional.of(new Init(pid, start, created)) : Optional.empty();
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | NumberFormatException e) {
            // runc writes the file by rename, so this is a file being removed under us: treat as gone
            return Optional.empty();
        }
    }

    /** The start time of process {@code pid} in clock ticks since boot, or empty if it is gone or a zombie. */
    static Optional<Long> processStart(long pid) {
        String stat;
        try {
            stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            return Optional.empty();
        }
        return startTicks(stat);
    }

    /** The start time in a {@code /proc/<pid>/stat} line; empty for a zombie, a dead process or a line that is not one. */
    static Optional<Long> startTicks(String stat) {
        // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so split after the last ')'
        int close = stat.lastIndexOf(')');
        if (close < 0) {
            return Optional.empty();
        }
        String[] f = stat.substring(close + 1).trim().split("\\s+");
        // f[0] is field 3 (state); starttime is field 22, so f[19]
        if (f.length < 20 || f[0].equals("Z") || f[0].equals("X")) {
            return Optional.empty();
        }
        try {
            long ticks = Long.parseLong(f[19]);
            return ticks >= 0 ? Optional.of(ticks) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static long parseTime(String text) {
        if (text == null) {
            return -1;
        }
        try {
            return OffsetDateTime.parse(text).toInstant().toEpochMilli();
        } catch (DateTimeParseException | ArithmeticException e) {
            return -1; // not a time, or one beyond what epoch milliseconds can hold
        }
    }
}
