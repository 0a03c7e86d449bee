package io.gantry.common;

/**
 * The resources a zone may use, as in a Triton package. Sizes are MiB; {@code cpuCap} is percent of
 * one CPU (100 = one whole CPU, 0 = no cap); {@code lwps} caps processes and threads together.
 *
 * <p>Triton's rule holds: swap is memory plus swap space, so it is never below memory.
 *
 * <p>Every field is checked against its type's range here, so that each conversion below (MiB to
 * bytes, percent to CFS quota) is exact; what one node can hold is {@link io.gantry.common.limits.PackageBounds}'s job.
 */
public record Package(String name, long memoryMiB, long swapMiB, int vcpus, int cpuCap, int lwps, long diskMiB) {

    public static final long MiB = 1024 * 1024;
    public static final long MIN_MEMORY_MiB = 16;
    public static final long MIN_DISK_MiB = 32;
    /**
     * Enough to enter the zone: {@code runc exec} (the agent's and the operator's way in) briefly needs up to 7 of the
     * zone's pids for itself (measured with runc 1.1.5: 2 in 20 execs failed at 6 with one process in the zone, all at
     * 5), on top of the zone's init and the command. With 8, an exec into an idle zone failed now and then under load.
     */
    public static final int MIN_LWPS = 32;
    /** 1 EiB: no machine is larger, and byte counts (and sums of them over many machines) cannot overflow a long. */
    public static final long MAX_SIZE_MiB = 1L << 40;
    /** The kernel's PID_MAX_LIMIT: pids.max and pid_max go no higher. */
    public static final int MAX_LWPS = 4_194_304;
    /** 10,000 CPUs; well under the kernel's largest CFS quota (2^44 ns per period, about 17.5 million percent). */
    public static final int MAX_CPU_CAP = 1_000_000;
    public static final int MAX_VCPUS = MAX_CPU_CAP / 100;

    public Package {
        if (name == null || name.isBlank()) {
            throw GantryException.invalid("package name must not be empty");
        }
        if (memoryMiB < MIN_MEMORY_MiB) {
            throw GantryException.invalid("memory must be at least " + MIN_MEMORY_MiB + " MiB, got " + memoryMiB);
        }
        atMost("memory", memoryMiB, MAX_SIZE_MiB, " MiB");
        if (swapMiB == 0) {
            swapMiB = memoryMiB;
        }
        if (swapMiB < memoryMiB) {
            throw GantryException.invalid("swap (" + swapMiB + " MiB) must be at least memory (" + memoryMiB + " MiB)");
        }
        atMost("swap", swapMiB, MAX_SIZE_MiB, " MiB");
        if (vcpus < 0) {
            throw GantryException.invalid("vcpus must not be negative, got " + vcpus);
        }
        atMost("vcpus", vcpus, MAX_VCPUS, "");
        if (cpuCap < 0) {
            throw GantryException.invalid("cpu_cap must not be negative, got " + cpuCap);
        }
        atMost("cpu_cap", cpuCap, MAX_CPU_CAP, "");
        if (lwps < MIN_LWPS) {
            throw GantryException.invalid("lwps must be at least " + MIN_LWPS + ", got " + lwps);
        }
        atMost("lwps", lwps, MAX_LWPS, "");
        if (diskMiB < MIN_DISK_MiB) {
            throw GantryException.invalid("disk must be at least " + MIN_DISK_MiB + " MiB, got " + diskMiB);
        }
        atMost("disk", diskMiB, MAX_SIZE_MiB, " MiB");
    }

    private static void atMost(String field, long value, long max, String unit) {
        if (value > max) {
            throw GantryException.invalid(field + " must be at most " + max + unit + ", got " + value + unit);
        }
    }

    /** A package without a catalogue name, sized by hand (the operator CLI's flags). */
    public static Package custom(long memoryMiB, int cpuCap, int lwps, long diskMiB) {
        return new Package("custom", memoryMiB, memoryMiB, 0, cpuCap, lwps, diskMiB);
    }

    /** CFS quota in microseconds per {@link #CPU_PERIOD_MICROS}, or -1 for no cap. */
    public long cpuQuotaMicros() {
        if (cpuCap > 0) {
            return Math.multiplyExact(cpuCap, CPU_PERIOD_MICROS) / 100;
        }
        if (vcpus > 0) {
            return Math.multiplyExact(vcpus, CPU_PERIOD_MICROS);
        }
        return -1;
    }

    public static final long CPU_PERIOD_MICROS = 100_000;

    public long memoryBytes() {
        return Math.multiplyExact(memoryMiB, MiB);
    }

    public long swapBytes() {
        return Math.multiplyExact(swapMiB, MiB);
    }

    public long diskBytes() {
        return Math.multiplyExact(diskMiB, MiB);
    }

    /** This package with the given changes applied (its name too, when the update names one); null fields keep their value. */
    public Package with(ResourceUpdate update) {
        long memory = update.memoryMiB() != null ? update.memoryMiB() : memoryMiB;
        long swap;
        if (update.swapMiB() != null) {
            swap = update.swapMiB();
        } else if (swapMiB == memoryMiB || memory > swapMiB) {
            swap = memory; // swap followed memory before, or would fall below it
        } else {
            swap = swapMiB;
        }
        return new Package(update.packageName() != null ? update.packageName() : name,
                memory,
                swap,
                update.vcpus() != null ? update.vcpus() : vcpus,
                update.cpuCap() != null ? update.cpuCap() : cpuCap,
                update.lwps() != null ? update.lwps() : lwps,
                update.diskMiB() != null ? update.diskMiB() : diskMiB);
    }
}
