package io.gantry.provisioner.placement;

import static io.gantry.provisioner.placement.Fixtures.machine;
import static io.gantry.provisioner.placement.Fixtures.node;
import static io.gantry.provisioner.placement.Fixtures.request;
import static io.gantry.provisioner.placement.Fixtures.viewOf;
import static org.assertj.core.api.Assertions.assertThat;

import io.gantry.common.limits.OverprovisionRatios;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PackSpreadScorerTest {
    private final NodeInfo node = node("n1", 8192, 81920);
    private final PlacementRequest req = request("t", "m", 1024, 1024);
    private final NodeView quarter = viewOf(machine("t", "a", 1024));
    private final NodeView half = viewOf(machine("t", "a", 3072));
    private final SplittableRandom random = new SplittableRandom(1);

    @Test
    void packScoresTheShareOfMemoryBookedOnceTheMachineIsOn() {
        PackSpreadScorer pack = new PackSpreadScorer(Strategy.PACK, OverprovisionRatios.NONE);
        assertThat(pack.score(node, quarter, req, random)).isEqualTo(0.25);
        assertThat(pack.score(node, half, req, random)).isEqualTo(0.5);
        assertThat(pack.score(node, half, req, random)).isGreaterThan(pack.score(node, NodeView.empty(), req, random));
    }

    @Test
    void spreadPrefersTheEmptierNode() {
        PackSpreadScorer spread = new PackSpreadScorer(Strategy.SPREAD, OverprovisionRatios.NONE);
        assertThat(spread.score(node, quarter, req, random)).isEqualTo(0.75);
        assertThat(spread.score(node, NodeView.empty(), req, random)).isGreaterThan(spread.score(node, half, req, random));
    }

    @Test
    void theShareIsOfUsableMemoryUnderTheOverprovisionRatio() {
        PackSpreadScorer pack = new PackSpreadScorer(Strategy.PACK, new OverprovisionRatios(2.0, 1.0));
        assertThat(pack.score(node, half, req, random)).isEqualTo(0.25);
    }

    @Test
    void aNodeWithNoUsableMemoryScoresZero() {
        PackSpreadScorer pack = new PackSpreadScorer(Strategy.PACK, OverprovisionRatios.NONE);
        assertThat(pack.score(node("empty", 0, 0), NodeView.empty(), req, random)).isZero();
    }
}
