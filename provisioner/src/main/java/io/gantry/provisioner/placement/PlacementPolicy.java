package io.gantry.provisioner.placement;

import io.gantry.common.GantryException;
import io.gantry.common.limits.OverprovisionRatios;
import java.util.Objects;

/**
 * How placement chooses.
 *
 * @param ratios         overprovisioning of memory and disk
 * @param strategy       pack or spread
 * @param candidateLimit how many feasible nodes to score per placement; 0 means automatic: {@code ceil(log2(N))},
 *                       at least 2 (Nomad's choice for service jobs), which keeps placement fast at 10,000 nodes
 */
public record PlacementPolicy(OverprovisionRatios ratios, Strategy strategy, int candidateLimit) {
    public PlacementPolicy {
        Objects.requireNonNull(ratios, "ratios");
        Objects.requireNonNull(strategy, "strategy");
        if (candidateLimit < 0) {
            throw GantryException.invalid("candidateLimit must be 0 (automatic) or positive, not " + candidateLimit);
        }
    }

    /** The number of feasible nodes to score when the cluster has {@code nodes} nodes. */
    public int limitFor(int nodes) {
        if (candidateLimit > 0) {
            return candidateLimit;
        }
        int log2 = nodes <= 1 ? 0 : 32 - Integer.numberOfLeadingZeros(nodes - 1); // ceil(log2(nodes))
        return Math.max(2, log2);
    }
}
