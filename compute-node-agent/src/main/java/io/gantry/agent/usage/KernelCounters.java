package io.gantry.agent.usage;

import io.gantry.agent.ZoneCounters;

/**
 * The cumulative counters of one zone run as the kernel reported them (not carried across runs):
 * what the meter subtracts the next reading from. Network bytes are seen from the zone: rx = into it.
 */
public record KernelCounters(long cpuNanos, long netRxBytes, long netTxBytes, long oomKills, long forksRefused) {
    public static final KernelCounters ZERO = new KernelCounters(0, 0, 0, 0, 0);

    public static KernelCounters of(ZoneCounters c) {
        return new KernelCounters(c.cpuNanos(), c.netRxBytes(), c.netTxBytes(), c.oomKills(), c.forksRefused());
    }

    /** Whether every counter is a real reading (a file that vanished mid-read reads as -1). */
    public boolean valid() {
        return cpuNanos >= 0 && netRxBytes >= 0 && netTxBytes >= 0 && oomKills >= 0 && forksRefused >= 0;
    }
}
