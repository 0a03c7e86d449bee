package io.gantry.provisioner.placement;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/** The outcome of {@link PlacementEngine#place}: booked on a node, or why no node fits. */
public sealed interface PlacementDecision {

    /** The machine is booked on {@code node}: its capacity is already reserved in the {@link ClusterState}. */
    record Placed(String node) implements PlacementDecision {
        public Placed {
            Objects.requireNonNull(node, "node");
        }
    }

    /**
     * No node can take the machine. {@code reason} is written for the tenant (e.g. "no node has 65536 MiB of memory
     * free; the largest free is 12288 MiB"); {@code rejectedBy} counts, per filter in the order they run, the nodes
     * that filter was the first to reject.
     */
    record NoFit(String reason, Map<String, Integer> rejectedBy) implements PlacementDecision {
        public NoFit {
            Objects.requireNonNull(reason, "reason");
            rejectedBy = rejectedBy == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(rejectedBy));
        }

        /** The reason, then how many nodes each filter turned away, e.g. "… (nodes rejected: alive 1, capacity 2)". */
        public String explained() {
            String counts = rejectedBy.entrySet().stream().filter(e -> e.getValue() > 0)
                    .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", "));
            return counts.isEmpty() ? reason : reason + " (nodes rejected: " + counts + ")";
        }
    }
}
