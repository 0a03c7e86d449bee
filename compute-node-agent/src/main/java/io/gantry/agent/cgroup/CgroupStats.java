package io.gantry.agent.cgroup;

/** What a zone's cgroup says now. Limits are -1 where none is set. */
public record CgroupStats(
        long cpuNanos,
        long memoryBytes,
        long memoryPeakBytes,
        long memoryLimitBytes,
        long oomKills,
        long pids,
        long pidsLimit,
        long forksRefused,
        long cpuQuotaMicros) {
}
