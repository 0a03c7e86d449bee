package io.gantry.provisioner.placement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gantry.common.GantryException;
import io.gantry.common.limits.OverprovisionRatios;
import org.junit.jupiter.api.Test;

class PlacementPolicyTest {
    @Test
    void automaticCandidateLimitIsLog2OfTheNodesAndAtLeastTwo() {
        PlacementPolicy auto = new PlacementPolicy(OverprovisionRatios.NONE, Strategy.PACK, 0);
        assertThat(auto.limitFor(0)).isEqualTo(2);
        assertThat(auto.limitFor(1)).isEqualTo(2);
        assertThat(auto.limitFor(4)).isEqualTo(2);
        assertThat(auto.limitFor(500)).isEqualTo(9);
        assertThat(auto.limitFor(1024)).isEqualTo(10);
        assertThat(auto.limitFor(10_000)).isEqualTo(14);
    }

    @Test
    void anExplicitLimitIsTakenAsGiven() {
        assertThat(new PlacementPolicy(OverprovisionRatios.NONE, Strategy.SPREAD, 1).limitFor(10_000)).isEqualTo(1);
        assertThatThrownBy(() -> new PlacementPolicy(OverprovisionRatios.NONE, Strategy.SPREAD, -1))
                .isInstanceOf(GantryException.class);
    }

    @Test
    void overprovisionRatiosMustBePositive() {
        assertThatThrownBy(() -> new OverprovisionRatios(0, 1)).isInstanceOf(GantryException.class);
        assertThatThrownBy(() -> new OverprovisionRatios(1, Double.NaN)).isInstanceOf(GantryException.class);
    }
}
