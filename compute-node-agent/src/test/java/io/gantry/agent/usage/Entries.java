package io.gantry.agent.usage;

import io.gantry.common.usage.UsageRecord;
import java.util.UUID;

/** Small hand-made entries for the journal's unit tests: only zone, seq and {@code last} vary. */
final class Entries {
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
}
