package io.gantry.common.usage;

import java.util.UUID;

/**
 * One second (or so) of one zone's life as the agent metered it, on the wire between agent and
 * metering and in the agent's journal.
 *
 * <p>Every counter is <b>cumulative since the zone was first metered</b> and never goes down: the
 * agent carries it across zone restarts and its own restarts (a kernel counter that starts again
 * from zero is added on top, never subtracted). So the usage between two records is the difference
 * of their counters; a lost, thinned or replayed record changes no total. {@code (zone, seq)} names
 * a record: seq starts at 1 and grows by one per record of that zone.
 *
 * <p>Levels ({@code memoryBytes}, {@code memoryPeakBytes}, {@code diskUsedBytes}) are as seen at
 * {@code timeMillis}. Integrals accumulate level × time: {@code memoryByteSeconds} and
 * {@code runningMillis} while the zone runs, {@code diskByteSeconds} while it exists (a stopped
 * zone keeps its disk, at the last level read). {@code last} is set on the zone's final record (it
 * was deleted).
 */
public record UsageRecord(
        UUID zone,
        long seq,
        String tenant,
        String node,
        String packageName,
        long timeMillis,
        long runningMillis,
        long cpuNanos,
        long memoryBytes,
        long memoryPeakBytes,
        long memoryByteSeconds,
        long diskUsedBytes,
        long diskByteSeconds,
        long netRxBytes,
        long netTxBytes,
        long oomKills,
        long forksRefused,
        boolean last) {

    /** The record's key, as metering acknowledges it. */
    public String key() {
        return zone + "/" + seq;
    }
}
