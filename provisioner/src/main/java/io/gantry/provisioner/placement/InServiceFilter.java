package io.gantry.provisioner.placement;

import java.util.List;

/**
 * Only nodes in service take new machines: an operator's maintenance or retirement closes a node to
 * placement ({@link NodeInfo#closed()}), while what already runs there stays and its jobs still go there.
 */
public final class InServiceFilter implements Filter {
    @Override
    public String name() {
        return "in-service";
    }

    @Override
    public FilterStatus check(NodeInfo node, NodeView view, PlacementRequest request) {
        return node.closed() == null ? FilterStatus.fit() : FilterStatus.reject(() -> "the node is " + node.closed());
    }

    @Override
    public String explain(PlacementRequest request, List<Rejection> rejected, boolean decisive) {
        if (decisive) {
            return "no node is in service (every one is in maintenance or retired)";
        }
        return Filter.nodes(rejected.size()) + (rejected.size() == 1 ? " is" : " are") + " in maintenance or retired";
    }
}
