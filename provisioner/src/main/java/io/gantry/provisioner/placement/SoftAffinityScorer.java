package io.gantry.provisioner.placement;

import io.gantry.common.affinity.AffinityRule;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * The request's soft affinity rules: each one the node honours counts +1, each it goes against -1, averaged over
 * the soft rules (0 when there are none). {@code instance==~db1} honoured means db1 (of this tenant) is on the node;
 * {@code instance!=~db1} honoured means it is not.
 */
public final class SoftAffinityScorer implements Scorer {
    @Override
    public String name() {
        return "soft-affinity";
    }

    @Override
    public double score(NodeInfo node, NodeView view, PlacementRequest request, RandomGenerator random) {
        List<AffinityRule> rules = request.affinity();
        if (rules.isEmpty()) {
            return 0;
        }
        List<PlacedMachine> mine = view.machinesOf(request.tenant());
        int soft = 0;
        int sum = 0;
        for (int i = 0, n = rules.size(); i < n; i++) {
            AffinityRule rule = rules.get(i);
            if (rule.soft()) {
                soft++;
                sum += rule.matchesAny(mine) == rule.equal() ? 1 : -1;
            }
        }
        return soft == 0 ? 0 : (double) sum / soft;
    }
}
