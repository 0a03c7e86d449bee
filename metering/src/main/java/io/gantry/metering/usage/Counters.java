package io.gantry.metering.usage;

/**
 * The cumulative counters of one usage record, or the difference of two (a delta). Levels
 * (memory and disk in use, the memory peak) are not here: they are not summed.
 */
public record Counters(long runningMillis, long cpuNanos, long memoryByteSeconds, long diskByteSeconds, long netRxBytes,
                       long netTxBytes, long oomKills, long forksRefused) {

    public static final Counters ZERO = new Counters(0, 0, 0, 0, 0, 0, 0, 0);

    /**
     * What happened since {@code earlier}: the difference of each counter. A counter is cumulative
     * and never goes down; should one do so anyway (a broken agent), its delta is 0, never negative.
     */
    public Counters since(Counters earlier) {
        return new Counters(
                Math.max(0, runningMillis - earlier.runningMillis),
                Math.max(0, cpuNanos - earlier.cpuNanos),
                Math.max(0, memoryByteSeconds - earlier.memoryByteSeconds),
                Math.max(0, diskByteSeconds - earlier.diskByteSeconds),
                Math.max(0, netRxBytes - earlier.netRxBytes),
                Math.max(0, netTxBytes - earlier.netTxBytes),
                Math.max(0, oomKills - earlier.oomKills),
                Math.max(0, forksRefused - earlier.forksRefused));
    }

    /** True if any counter is lower than in {@code earlier}, which the record contract forbids. */
    public boolean goesBelow(Counters earlier) {
        return runningMillis < earlier.runningMillis || cpuNanos < earlier.cpuNanos
                || memoryByteSeconds < earlier.memoryByteSeconds || diskByteSeconds < earlier.diskByteSeconds
                || netRxBytes < earlier.netRxBytes || netTxBytes < earlier.netTxBytes
                || oomKills < earlier.oomKills || forksRefused < earlier.forksRefused;
    }

    public Counters plus(Counters other) {
        return new Counters(
                runningMillis + other.runningMillis,
                cpuNanos + other.cpuNanos,
                memoryByteSeconds + other.memoryByteSeconds,
                diskByteSeconds + other.diskByteSeconds,
                netRxBytes + other.netRxBytes,
                netTxBytes + other.netTxBytes,
                oomKills + other.oomKills,
                forksRefused + other.forksRefused);
    }
}
