package io.gantry.provisioner.placement;

import static io.gantry.provisioner.placement.Fixtures.machine;
import static io.gantry.provisioner.placement.Fixtures.node;
import static io.gantry.provisioner.placement.Fixtures.request;
import static io.gantry.provisioner.placement.Fixtures.viewOf;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TenantSpreadScorerTest {
    private final TenantSpreadScorer scorer = new TenantSpreadScorer();
    private final NodeInfo node = node("n1", 65536, 655360);
    private final PlacementRequest req = request("acme", "w", 1024, 1024);
    private final SplittableRandom random = new SplittableRandom(1);

    @Test
    void fewerOfTheTenantsMachinesScoreHigher() {
        double none = scorer.score(node, NodeView.empty(), req, random);
        double one = scorer.score(node, viewOf(machine("acme", "a", 1)), req, random);
        double two = scorer.score(node, viewOf(machine("acme", "a", 1), machine("acme", "b", 1)), req, random);
        assertThat(none).isEqualTo(1.0);
        assertThat(one).isEqualTo(0.5);
        assertThat(two).isLessThan(one);
    }

    @Test
    void otherTenantsMachinesDoNotCount() {
        NodeView busy = viewOf(machine("globex", "a", 1), machine("globex", "b", 1));
        assertThat(scorer.score(node, busy, req, random)).isEqualTo(1.0);
    }
}
