package io.gantry.metering.usage;

import java.time.Instant;
import java.util.UUID;

/** A stored usage record as the roll-up reads it: its key, owner, time, counters and memory levels. */
public record RawRecord(UUID zone, long seq, String account, String packageName, Instant time, Counters counters,
                        long memoryBytes, long memoryPeakBytes) {

    /** The highest memory level this record saw. */
    public long memoryHighWater() {
        return Math.max(memoryBytes, memoryPeakBytes);
    }
}
