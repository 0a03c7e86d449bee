package io.gantry.common.limits;

import io.gantry.common.GantryException;
import io.gantry.common.coord.NodeCapacity;

/**
 * How much of a node's memory, disk and CPUs may be given out, as a multiple of what it has: 1.0
 * exactly what it has, 1.5 half as much again. Memory and disk are the same figures as the
 * provisioner's {@code --overprovision-memory} and {@code --overprovision-disk}, which a node takes
 * from the same configuration keys, so a node never accepts a zone placement would not have sent
 * it. The CPU ratio ({@code --overprovision-cpu}) bounds the vCPUs placement books on a node; a node
 * does not check it itself (a zone's CPU cap is enforced, its vCPUs are a share of the node).
 */
public record OverprovisionRatios(double memory, double disk, double cpu) {
    /** Triton's default CPU ratio: four vCPUs booked per CPU a node has. */
    public static final double DEFAULT_CPU = 4.0;
    /** No overprovisioning of anything. */
    public static final OverprovisionRatios NONE = new OverprovisionRatios(1.0, 1.0, 1.0);
    /** Beyond this a ratio is surely a typo (and {@code capacity × ratio} could leave a long's range). */
    public static final double MAX = 1000;

    public OverprovisionRatios {
        if (!(memory > 0 && memory <= MAX) || !(disk > 0 && disk <= MAX) || !(cpu > 0 && cpu <= MAX)) {
            throw GantryException.invalid("overprovision ratios must be above 0 and at most " + (int) MAX
                    + ", not memory=" + memory + " disk=" + disk + " cpu=" + cpu);
        }
    }

    /** Memory and disk ratios with the {@link #DEFAULT_CPU default CPU ratio}. */
    public OverprovisionRatios(double memory, double disk) {
        this(memory, disk, DEFAULT_CPU);
    }

    /** {@code floor(capacityMiB × ratio)}, saturating at {@code Long.MAX_VALUE}. */
    public static long usable(long capacityMiB, double ratio) {
        double usable = Math.floor(capacityMiB * ratio);
        return usable >= Long.MAX_VALUE ? Long.MAX_VALUE : (long) usable;
    }

    public long usableMemoryMiB(NodeCapacity capacity) {
        return usable(capacity.memoryMiB(), memory);
    }

    public long usableDiskMiB(NodeCapacity capacity) {
        return usable(capacity.diskMiB(), disk);
    }

    /** The vCPUs that may be booked on the node: {@code floor(cpus × cpu ratio)}. */
    public long usableVcpus(NodeCapacity capacity) {
        return usable(capacity.cpus(), cpu);
    }
}
