package io.gantry.provisioner.placement;

import io.gantry.common.GantryException;
import io.gantry.common.coord.NodeCapacity;
import java.util.Map;
import java.util.Objects;

/**
 * One compute node as placement sees it: its name, total capacity, traits (e.g. {@code ssd=true}) and whether it
 * is alive. Immutable; what is booked on the node lives in {@link ClusterState}.
 */
public record NodeInfo(String name, NodeCapacity capacity, Map<String, String> traits, boolean alive) {
    public NodeInfo {
        if (name == null || name.isBlank()) {
            throw GantryException.invalid("a node needs a name");
        }
        Objects.requireNonNull(capacity, "capacity");
        if (capacity.memoryMiB() < 0 || capacity.diskMiB() < 0) {
            throw GantryException.invalid("node " + name + " has negative capacity " + capacity);
        }
        traits = Maps.copy(traits);
    }

    public NodeInfo withAlive(boolean alive) {
        return alive == this.alive ? this : new NodeInfo(name, capacity, traits, alive);
    }
}
