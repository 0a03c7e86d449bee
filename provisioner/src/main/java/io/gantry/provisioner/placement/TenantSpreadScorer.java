package io.gantry.provisioner.placement;

import java.util.random.RandomGenerator;

/**
 * Fewer machines of the same tenant on a node score higher ({@code 1 / (1 + n)}), so one node failing takes out
 * as little of any one tenant as it can (Triton's "score-num-owner-zones").
 */
public final class TenantSpreadScorer implements Scorer {
    @Override
    public String name() {
        return "tenant-spread";
    }

    @Override
    public double score(NodeInfo node, NodeView view, PlacementRequest request, RandomGenerator random) {
        return 1.0 / (1 + view.machinesOf(request.tenant()).size());
    }
}
