package io.gantry.provisioner.placement;

import java.util.List;

/**
 * A hard requirement a node must meet to take a machine (a Nomad feasibility checker, a Kubernetes Filter plugin).
 * Pure: it reads the node, its bookings and the request, and changes nothing, so the engine can run it again under
 * the node's lock when it books.
 */
public interface Filter {
    /** Short stable name: the key in {@link PlacementDecision.NoFit#rejectedBy()}. */
    String name();

    FilterStatus check(NodeInfo node, NodeView view, PlacementRequest request);

    /**
     * One phrase for the tenant about the nodes this filter rejected when nothing fit.
     *
     * @param rejected the nodes this filter was the first to reject (never empty)
     * @param decisive true when no node got past this filter: the phrase may then say "no node …"
     */
    String explain(PlacementRequest request, List<Rejection> rejected, boolean decisive);

    /** "1 node" or "3 nodes". */
    static String nodes(int n) {
        return n == 1 ? "1 node" : n + " nodes";
    }

    /**
     * The start of a phrase about the nodes short of something: "no node has " when {@code decisive}, else
     * "1 node has {@code than} " or "3 nodes have {@code than} " (e.g. {@code than} "less than").
     */
    static String whoHas(int rejected, boolean decisive, String than) {
        return decisive ? "no node has " : nodes(rejected) + (rejected == 1 ? " has " : " have ") + than + " ";
    }
}
