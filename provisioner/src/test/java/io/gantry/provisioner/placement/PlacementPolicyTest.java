package io.gantry.provisioner.placement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gantry.common.GantryException;
import org.junit.jupiter.api.Test;

class PlacementPolicyTest {
    @Test
    void automaticCandidateLimitIsLog2OfTheNodesAndAtLeastTwo() {
        PlacementPolicy auto = new PlacementPolicy(Overprovision.NONE, Strategy.PACK, 0);
        assertThat(auto.limitFor(0)).isEqualTo(2);
        assertThat(auto.limitFor(1)).isEqualTo(2);
        assertThat(auto.limitFor(4)).isEqualTo(2);
        assertThat(auto.limitFor(500)).isEqualTo(9);
        assertThat(auto.limitFor(1024)).isEqualTo(10);
        assertThat(auto.limitFor(10_000)).isEqualTo(14);
    }

    @Test
    void anExplicitLimitIsTakenAsGiven() {
        assertThat(new PlacementPolicy(Overprovision.NONE, Strategy.SPREAD, 1).limitFor(10_000)).isEqualTo(1);
        assertThatThrownBy(() -> new PlacementPolicy(Overprovision.NONE, Strategy.SPREAD, -1))
                .isInstanceOf(GantryException.class);
    }

    @Test
    void overprovisionRatiosMustBePositive() {
        assertThatThrownBy(() -> new Overprovision(0, 1)).isInstanceOf(GantryException.class);
        assertThatThrownBy(() -> new Overprovision(1, Double.NaN)).isInstanceOf(GantryException.class);
    }
}
