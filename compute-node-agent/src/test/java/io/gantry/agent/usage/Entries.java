package io.gantry.agent.usage;

import io.gantry.common.usage.UsageAck;
import io.gantry.common.usage.UsageRecord;
import java.util.List;
import java.util.UUID;

/** Small hand-made entries and acknowledgements for the journal's unit tests: only zone, seq and {@code last} vary. */
final class Entries {
    static final UUID A = new UUID(0xa, 1);
    static final UUID B = new UUID(0xb, 2);

    private Entries() {
    }

    static UsageEntry entry(UUID zone, long seq) {
        return entry(zone, seq, false);
    }

    static UsageEntry entry(UUID zone, long seq, boolean last) {
        UsageRecord r = new UsageRecord(zone, seq, "tenant", "n1", "g4-small", 1_700_000_000_000L + seq * 1000, seq * 1000,
                seq * 500_000_000L, 100L << 20, 120L << 20, seq * 100L, 300L << 20, seq * 300L, seq * 10, seq * 5, 0, 0, last);
        return new UsageEntry(r, "4242@1000", KernelCounters.ZERO, 0, 0);
    }

    /** Metering's acknowledgement of one zone through {@code through}. */
    static UsageAck ack(UUID zone, long through) {
        return new UsageAck(List.of(new UsageAck.Stored(zone, through)));
    }
}
