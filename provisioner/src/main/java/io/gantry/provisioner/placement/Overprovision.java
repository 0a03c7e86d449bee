package io.gantry.provisioner.placement;

import io.gantry.common.GantryException;
import io.gantry.common.coord.NodeCapacity;
import io.gantry.common.limits.OverprovisionRatios;

/**
 * How much of a node's memory and disk may be booked, as a multiple of its capacity: 1.0 books exactly the
 * capacity, 1.5 books half as much again, 0.9 keeps a tenth free. A node's usable amount is
 * {@code floor(capacity * ratio)} (the same arithmetic a node applies to itself, {@link OverprovisionRatios#usable});
 * its free amount is that minus what is booked.
 */
public record Overprovision(double memory, double disk) {
    public static final Overprovision NONE = new Overprovision(1.0, 1.0);

    public Overprovision {
        if (!(memory > 0) || !(disk > 0) || Double.isInfinite(memory) || Double.isInfinite(disk)) {
            throw GantryException.invalid("overprovision ratios must be finite and above 0, not memory=" + memory
                    + " disk=" + disk);
        }
    }

    public long usableMemoryMiB(NodeCapacity capacity) {
        return OverprovisionRatios.usable(capacity.memoryMiB(), memory);
    }

    public long usableDiskMiB(NodeCapacity capacity) {
        return OverprovisionRatios.usable(capacity.diskMiB(), disk);
    }
}
