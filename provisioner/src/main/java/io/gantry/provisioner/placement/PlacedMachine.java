package io.gantry.provisioner.placement;

import io.gantry.common.GantryException;
import io.gantry.common.affinity.AffinityRule;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * A machine already on (or booked onto) a node: what affinity rules and tenant spread look at, and what it takes
 * of the node's memory, disk and
 * vCPUs. A null name or tags are read as empty.
 */
public record PlacedMachine(UUID id, String tenant, String name, Map<String, String> tags, long memoryMiB, long diskMiB,
                            int vcpus) implements AffinityRule.Machine {
    public PlacedMachine {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(tenant, "tenant");
        name = name == null ? "" : name;
        tags = Maps.copy(tags);
        if (memoryMiB < 0 || diskMiB < 0 || vcpus < 0) {
            throw GantryException.invalid("machine " + id + " has a negative size: " + memoryMiB + " MiB of memory, "
                    + diskMiB + " MiB of disk, " + vcpus + " vCPUs");
        }
    }

    /** A machine that books no vCPUs. */
    public PlacedMachine(UUID id, String tenant, String name, Map<String, String> tags, long memoryMiB, long diskMiB) {
        this(id, tenant, name, tags, memoryMiB, diskMiB, 0);
    }

    public PlacedMachine withSize(long memoryMiB, long diskMiB, int vcpus) {
        return new PlacedMachine(id, tenant, name, tags, memoryMiB, diskMiB, vcpus);
    }
}
