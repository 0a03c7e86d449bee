package io.gantry.common;

/**
 * The resources a zone may use, as in a Triton package. Sizes are MiB; {@code cpuCap} is percent of
 * one CPU (100 = one whole CPU, 0 = no cap); {@code lwps} caps processes and threads together.
 *
 * <p>Triton's rule holds: swap is memory plus swap space, so it is never below memory.
 */
public record Package(String name, long memoryMiB, long swapMiB, int vcpus, int cpuCap, int lwps, long diskMiB) {

    public static final long MIN_MEMORY_MiB = 16;
    public static final long MIN_DISK_MiB = 32;
    public static final int MIN_LWPS = 8;
    /** 1 EiB: no machine is larger, and byte counts (and sums of them over many machines) cannot overflow a long. */
    public static final long MAX_SIZE_MiB = 1L << 40;

    public Package {
        if (name == null || name.isBlank()) {
            throw GantryException.invalid("package name must not be empty");
        }
        if (memoryMiB < MIN_MEMORY_MiB) {
            throw GantryException.invalid("memory must be at least " + MIN_MEMORY_MiB + " MiB, got " + memoryMiB);
        }
        if (memoryMiB > MAX_SIZE_MiB) {
            throw GantryException.invalid("memory must be at most " + MAX_SIZE_MiB + " MiB, got " + memoryMiB);
        }
        if (swapMiB == 0) {
            swapMiB = memoryMiB;
        }
        if (swapMiB < memoryMiB) {
            throw GantryException.invalid("swap (" + swapMiB + " MiB) must be at least memory (" + memoryMiB + " MiB)");
        }
        if (swapMiB > MAX_SIZE_MiB) {
            throw GantryException.invalid("swap must be at most " + MAX_SIZE_MiB + " MiB, got " + swapMiB);
        }
        if (vcpus < 0) {
            throw GantryException.invalid("vcpus must not be negative, got " + vcpus);
        }
        if (cpuCap < 0) {
            throw GantryException.invalid("cpu_cap must not be negative, got " + cpuCap);
        }
        if (lwps < MIN_LWPS) {
            throw GantryException.invalid("lwps must be at least " + MIN_LWPS + ", got " + lwps);
        }
        if (diskMiB < MIN_DISK_MiB) {
            throw GantryException.invalid("disk must be at least " + MIN_DISK_MiB + " MiB, got " + diskMiB);
        }
        if (diskMiB > MAX_SIZE_MiB) {
            throw GantryException.invalid("disk must be at most " + MAX_SIZE_MiB + " MiB, got " + diskMiB);
        }
    }

    /** A package without a catalogue name, sized by hand (the operator CLI's flags). */
    public static Package custom(long memoryMiB, int cpuCap, int lwps, long diskMiB) {
        return new Package("custom", memoryMiB, memoryMiB, 0, cpuCap, lwps, diskMiB);
    }

    /** CFS quota in microseconds per {@link #CPU_PERIOD_MICROS}, or -1 for no cap. */
    public long cpuQuotaMicros() {
        if (cpuCap > 0) {
            return cpuCap * CPU_PERIOD_MICROS / 100;
        }
        if (vcpus > 0) {
            return vcpus * CPU_PERIOD_MICROS;
        }
        return -1;
    }

    public static final long CPU_PERIOD_MICROS = 100_000;

    public long memoryBytes() {
        return memoryMiB * 1024 * 1024;
    }

    public long swapBytes() {
        return swapMiB * 1024 * 1024;
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
