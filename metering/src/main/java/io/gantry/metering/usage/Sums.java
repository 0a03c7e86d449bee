package io.gantry.metering.usage;

/**
 * Summed roll-up columns as read back (doubles: sums over many zones and days can pass a long),
 * and their conversion into the units the API and the budgets speak.
 */
public record Sums(double instanceMs, double cpuNs, double memoryByteSeconds, long memoryPeakBytes, double diskByteSeconds,
                   double netRxBytes, double netTxBytes, long oomKills, long forksRefused) {

    public static final Sums ZERO = new Sums(0, 0, 0, 0, 0, 0, 0, 0, 0);
    /** 2^30: memory and disk are priced in GiB. */
    public static final double GIB = 1024.0 * 1024.0 * 1024.0;
    /** 10^9: network is priced in (decimal) GB. */
    public static final double GB = 1e9;

    public Sums plus(Sums o) {
        return new Sums(instanceMs + o.instanceMs, cpuNs + o.cpuNs, memoryByteSeconds + o.memoryByteSeconds,
                Math.max(memoryPeakBytes, o.memoryPeakBytes), diskByteSeconds + o.diskByteSeconds, netRxBytes + o.netRxBytes,
                netTxBytes + o.netTxBytes, oomKills + o.oomKills, forksRefused + o.forksRefused);
    }

    public double instanceSeconds() {
        return instanceMs / 1000.0;
    }

    public double instanceHours() {
        return instanceMs / 3_600_000.0;
    }

    public double cpuSeconds() {
        return cpuNs / 1e9;
    }

    public double cpuHours() {
        return cpuNs / 3.6e12;
    }

    public double memoryGibHours() {
        return memoryByteSeconds / GIB / 3600.0;
    }

    public double diskGibHours() {
        return diskByteSeconds / GIB / 3600.0;
    }

    public double networkInGb() {
        return netRxBytes / GB;
    }

    public double networkOutGb() {
        return netTxBytes / GB;
    }

    public double networkGb() {
        return (netRxBytes + netTxBytes) / GB;
    }
}
