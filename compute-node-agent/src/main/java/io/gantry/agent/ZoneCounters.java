package io.gantry.agent;

/**
 * A zone's counters at one instant. CPU, OOM kills, refused forks and network bytes only grow while
 * the zone runs; the rest are levels. Limits are what the kernel enforces now, -1 for none.
 */
public record ZoneCounters(
        long cpuNanos,
        long memoryBytes,
        long memoryPeakBytes,
        long memoryLimitBytes,
        long oomKills,
        long lwps,
        long lwpsLimit,
        long forksRefused,
        long cpuQuotaMicros,
        long netRxBytes,
        long netTxBytes,
        long diskUsedBytes,
        long diskTotalBytes) {
}
