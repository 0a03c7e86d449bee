package io.gantry.provisioner.placement;

import io.gantry.common.limits.OverprovisionRatios;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Pack or spread on memory: the share {@code u} of the node's usable memory that would be booked once the machine
 * is on it. {@link Strategy#PACK} scores {@code u} (the fullest node that fits wins), {@link Strategy#SPREAD}
 * scores {@code 1 - u} (the emptiest wins).
 */
public final class PackSpreadScorer implements Scorer {
    private final Strategy strategy;
    private final OverprovisionRatios ratios;

    public PackSpreadScorer(Strategy strategy, OverprovisionRatios ratios) {
        this.strategy = Objects.requireNonNull(strategy, "strategy");
        this.ratios = Objects.requireNonNull(ratios, "ratios");
    }

    @Override
    public String name() {
        return strategy == Strategy.PACK ? "pack" : "spread";
    }

    @Override
    public double score(NodeInfo node, NodeView view, PlacementRequest request, RandomGenerator random) {
        long usable = ratios.usableMemoryMiB(node.capacity());
        if (usable <= 0) {
            return 0;
        }
        double used = Math.min(1.0, Math.max(0.0, (double) (view.bookedMemoryMiB() + request.memoryMiB()) / usable));
        return strategy == Strategy.PACK ? used : 1.0 - used;
    }
}
