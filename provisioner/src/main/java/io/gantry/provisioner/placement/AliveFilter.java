package io.gantry.provisioner.placement;

import java.util.List;

/** Only nodes that are alive (their agent holds its ZooKeeper session) take machines. Cheapest, so first. */
public final class AliveFilter implements Filter {
    private static final FilterStatus DOWN = FilterStatus.reject("the node is not alive");

    @Override
    public String name() {
        return "alive";
    }

    @Override
    public FilterStatus check(NodeInfo node, NodeView view, PlacementRequest request) {
        return node.alive() ? FilterStatus.fit() : DOWN;
    }

    @Override
    public String explain(PlacementRequest request, List<Rejection> rejected, boolean decisive) {
        if (decisive) {
            return "no node is alive";
        }
        return Filter.nodes(rejected.size()) + (rejected.size() == 1 ? " is" : " are") + " not alive";
    }
}
