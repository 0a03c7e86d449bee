package io.gantry.provisioner.placement;

import java.util.random.RandomGenerator;

/**
 * A uniform draw in [0, 1): weighted far below every other scorer, it only decides between nodes that score the
 * same otherwise, so identical nodes do not all get the same machine from concurrent placements.
 */
public final class RandomTiebreakScorer implements Scorer {
    @Override
    public String name() {
        return "random-tiebreak";
    }

    @Override
    public double score(NodeInfo node, NodeView view, PlacementRequest request, RandomGenerator random) {
        return random.nextDouble();
    }
}
