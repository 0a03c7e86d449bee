package io.gantry.common.limits;

import io.gantry.common.GantryException;

/**
 * How much of a node's memory and disk may be given out, as a multiple of what it has: 1.0 exactly
 * what it has, 1.5 half as much again. The same figures as the provisioner's {@code
 * --overprovision-memory} and {@code --overprovision-disk}, which a node takes from the same
 * configuration keys, so a node never accepts a zone placement would not have sent it.
 */
public record OverprovisionRatios(double memory, double disk) {
    public static final OverprovisionRatios NONE = new OverprovisionRatios(1.0, 1.0);
    /** Beyond this a ratio is surely a typo (and {@code capacity × ratio} could leave a long's range). */
    public static final double MAX = 1000;

    public OverprovisionRatios {
        if (!(memory > 0 && memory <= MAX) || !(disk > 0 && disk <= MAX)) {
            throw GantryException.invalid("overprovision ratios must be above 0 and at most " + (int) MAX
                    + ", not memory=" + memory + " disk=" + disk);
        }
    }

    /** {@code floor(capacityMiB × ratio)}, saturating at {@code Long.MAX_VALUE}. */
    public static long usable(long capacityMiB, double ratio) {
        double usable = Math.floor(capacityMiB * ratio);
        return usable >= Long.MAX_VALUE ? Long.MAX_VALUE : (long) usable;
    }
}
