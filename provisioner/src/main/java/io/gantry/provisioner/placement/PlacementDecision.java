package io.gantry.provisioner.placement;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/** The outcome of {@link PlacementEngine#place}: booked on a node, or why no node fits. */
public sealed interface PlacementDecision {

    /**
     * The machine is booked on {@code node}: its capacity is already reserved in the {@link ClusterState}. Like
     * Nomad's allocation metrics it says how the node was chosen: each scorer's score of the node (before weighting;
     * empty when the machine was already booked there or the node was named), the weighted total, how many nodes the
     * placement looked at and how many of those passed every filter.
     */
    record Placed(String node, Map<String, Double> scores, double score, int nodesEvaluated, int nodesFeasible)
            implements PlacementDecision {
        public Placed {
            Objects.requireNonNull(node, "node");
            // the engine's own ScoreSheet is a read-only view already: copying it would cost every placement
            scores = scores == null ? Map.of()
                    : scores instanceof ScoreSheet ? scores : Collections.unmodifiableMap(new LinkedHashMap<>(scores));
        }

        /** Booked on the node without a choice among nodes (already there, or the node was named). */
        public Placed(String node) {
            this(node, Map.of(), 0, 0, 0);
        }

        /**
         * How the node was chosen, as the provision's audit entry keeps it:
         * {@code {"node": …, "scores": {"spread": 0.4, …}, "score": …, "nodes_evaluated": n, "nodes_feasible": k}}.
         */
        public Map<String, Object> breakdown() {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("node", node);
            out.put("scores", scores);
            out.put("score", score);
            out.put("nodes_evaluated", nodesEvaluated);
            out.put("nodes_feasible", nodesFeasible);
            return out;
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
