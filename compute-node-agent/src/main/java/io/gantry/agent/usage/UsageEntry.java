package io.gantry.agent.usage;

import io.gantry.common.usage.UsageRecord;
import java.util.UUID;

/**
 * One journal entry: the record as metering gets it, plus what the meter needs to go on from it
 * after an agent restart and which is not part of the wire format: the zone run the record was read
 * from ({@code incarnation}, null if the zone never ran while metered), that run's raw kernel
 * counters at the time ({@code raw}), and the sub-second remainders of the two byte-second integrals
 * (byte-milliseconds in [0, 1000)), so that restored totals are exact.
 */
public record UsageEntry(UsageRecord record, String incarnation, KernelCounters raw,
                         long memoryByteMillisRemainder, long diskByteMillisRemainder) {
    public UsageEntry {
        if (record == null || raw == null) {
            throw new IllegalArgumentException("an entry holds a record and raw counters");
        }
    }

    public UUID zone() {
        return record.zone();
    }

    public long seq() {
        return record.seq();
    }
}
