package io.gantry.provisioner.placement;

import io.gantry.common.GantryException;
import io.gantry.common.coord.NodeCapacity;
import java.util.Map;
import java.util.Objects;

/**
 * One compute node as placement sees it: its name, total capacity, traits (e.g. {@code ssd=true}), whether it
 * is alive, and whether an operator has closed it to new machines ({@code closed}: why, e.g. "in maintenance";
 * null while it is open). Immutable; what is booked on the node lives in {@link ClusterState}.
 */
public record NodeInfo(String name, NodeCapacity capacity, Map<String, String> traits, boolean alive, String closed) {
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

    /** An open node (no operator has closed it). */
    public NodeInfo(String name, NodeCapacity capacity, Map<String, String> traits, boolean alive) {
        this(name, capacity, traits, alive, null);
    }

    public NodeInfo withAlive(boolean alive) {
        return alive == this.alive ? this : new NodeInfo(name, capacity, traits, alive, closed);
    }

    /** This node closed to new machines for {@code why}, or open again when {@code why} is null. */
    public NodeInfo withClosed(String why) {
        return Objects.equals(why, closed) ? this : new NodeInfo(name, capacity, traits, alive, why);
    }
}
