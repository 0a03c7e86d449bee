package io.gantry.provisioner.placement;

import io.gantry.common.GantryException;
import io.gantry.common.RequiredTraits;
import io.gantry.common.affinity.AffinityRule;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * What to place: the machine, its owner and name and tags (which later requests' affinity rules match against),
 * its size (memory, disk, vCPUs), the traits a node must have, its affinity rules, and the nodes it must not go to
 * (an evacuated machine's own node). Null maps, lists and sets are read as empty.
 */
public record PlacementRequest(UUID machine, String tenant, String name, Map<String, String> tags,
                               long memoryMiB, long diskMiB, int vcpus, RequiredTraits requiredTraits,
                               List<AffinityRule> affinity, Set<String> excludedNodes) {
    public PlacementRequest(UUID machine, String tenant, String name, Map<String, String> tags,
                            long memoryMiB, long diskMiB, int vcpus, RequiredTraits requiredTraits, List<AffinityRule> affinity) {
        this(machine, tenant, name, tags, memoryMiB, diskMiB, vcpus, requiredTraits, affinity, Set.of());
    }

    public PlacementRequest {
        excludedNodes = excludedNodes == null ? Set.of() : Set.copyOf(excludedNodes);
        Objects.requireNonNull(machine, "machine");
        Objects.requireNonNull(tenant, "tenant");
        name = name == null ? "" : name;
        tags = Maps.copy(tags);
        requiredTraits = requiredTraits == null ? RequiredTraits.NONE : requiredTraits;
        affinity = affinity == null ? List.of() : List.copyOf(affinity);
        if (memoryMiB < 0 || diskMiB < 0 || vcpus < 0) {
            throw GantryException.invalid("machine " + machine + " asks for a negative size: " + memoryMiB
                    + " MiB of memory, " + diskMiB + " MiB of disk, " + vcpus + " vCPUs");
        }
    }

    /** A request for no vCPUs whose traits must have exactly the values given. */
    public PlacementRequest(UUID machine, String tenant, String name, Map<String, String> tags, long memoryMiB,
                            long diskMiB, Map<String, String> requiredTraits, List<AffinityRule> affinity) {
        this(machine, tenant, name, tags, memoryMiB, diskMiB, 0, RequiredTraits.exactly(requiredTraits), affinity);
    }

    /** A request with no vCPUs, no traits and no affinity rules. */
    public static PlacementRequest of(UUID machine, String tenant, String name, long memoryMiB, long diskMiB) {
        return new PlacementRequest(machine, tenant, name, Map.of(), memoryMiB, diskMiB, 0, RequiredTraits.NONE, List.of());
    }

    /** The same request for a stand-in id (what an evacuation books on its target), never on {@code excluded}. */
    public PlacementRequest elsewhere(UUID standIn, String excluded) {
        return new PlacementRequest(standIn, tenant, name, tags, memoryMiB, diskMiB, vcpus, requiredTraits, affinity, Set.of(excluded));
    }

    /** The machine as it is booked once placed. */
    public PlacedMachine toPlaced() {
        return new PlacedMachine(machine, tenant, name, tags, memoryMiB, diskMiB, vcpus);
    }

    boolean hasHardAffinity() {
        for (AffinityRule r : affinity) {
            if (!r.soft()) {
                return true;
            }
        }
        return false;
    }

    boolean hasSoftAffinity() {
        for (AffinityRule r : affinity) {
            if (r.soft()) {
                return true;
            }
        }
        return false;
    }
}
