package io.gantry.provisioner.placement;

import java.util.random.RandomGenerator;

/**
 * Ranks a node that passed every filter (a Nomad rank iterator, a Kubernetes Score plugin). Pure, like a
 * {@link Filter}. Scores lie in [-1, 1], higher is better; the engine weighs and sums them.
 */
public interface Scorer {
    String name();

    /**
     * @param random this placement's own generator, for scorers that need chance
     */
    double score(NodeInfo node, NodeView view, PlacementRequest request, RandomGenerator random);
}
