package io.gantry.provisioner.placement;

import java.util.List;

/** A node the request excludes does not take the machine: an evacuated machine never goes back to its own node. */
public final class ExcludedNodeFilter implements Filter {
    @Override
    public String name() {
        return "excluded";
    }

    @Override
    public FilterStatus check(NodeInfo node, NodeView view, PlacementRequest request) {
        return request.excludedNodes().contains(node.name())
                ? FilterStatus.reject(() -> "node " + node.name() + " is the one the machine leaves")
                : FilterStatus.fit();
    }

    @Override
    public String explain(PlacementRequest request, List<Rejection> rejected, boolean decisive) {
        return decisive ? "no node but the one the machine leaves (" + String.join(", ", request.excludedNodes()) + ")"
                : Filter.nodes(rejected.size()) + " excluded (the one the machine leaves)";
    }
}
