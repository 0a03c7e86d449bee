package io.gantry.common.limits;

/**
 * What one node can give a zone, as read from its host: physical memory and swap space
 * ({@code /proc/meminfo} MemTotal and SwapTotal), the free disk of the filesystem that holds its
 * zones, its CPUs, the kernel's {@code pid_max} and {@code threads-max}, and the overprovision ratios
 * it runs with.
 */
public record NodeLimits(long memoryMiB, long swapSpaceMiB, long freeDiskMiB, int cpus, long pidMax, long threadsMax,
                         OverprovisionRatios ratios) {
    public NodeLimits {
        if (ratios == null) {
            ratios = OverprovisionRatios.NONE;
        }
    }

    public long usableMemoryMiB() {
        return OverprovisionRatios.usable(memoryMiB, ratios.memory());
    }

    /** Memory plus swap space, times the memory ratio: what a zone's swap (memory plus swap) may reach. */
    public long usableSwapMiB() {
        long total = memoryMiB > Long.MAX_VALUE - swapSpaceMiB ? Long.MAX_VALUE : memoryMiB + swapSpaceMiB;
        return OverprovisionRatios.usable(total, ratios.memory());
    }

    public long usableDiskMiB() {
        return OverprovisionRatios.usable(freeDiskMiB, ratios.disk());
    }
}
