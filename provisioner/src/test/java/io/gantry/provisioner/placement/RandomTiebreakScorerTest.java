package io.gantry.provisioner.placement;

import static io.gantry.provisioner.placement.Fixtures.node;
import static io.gantry.provisioner.placement.Fixtures.request;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RandomTiebreakScorerTest {
    @Test
    void drawsDifferentScoresInZeroToOne() {
        RandomTiebreakScorer scorer = new RandomTiebreakScorer();
        SplittableRandom random = new SplittableRandom(7);
        Set<Double> seen = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            double s = scorer.score(node("n", 1, 1), NodeView.empty(), request("t", "m", 1, 1), random);
            assertThat(s).isGreaterThanOrEqualTo(0.0).isLessThan(1.0);
            seen.add(s);
        }
        assertThat(seen).hasSizeGreaterThan(90);
    }
}
