package io.gantry.provisioner.placement;

import static io.gantry.provisioner.placement.Fixtures.node;
import static io.gantry.provisioner.placement.Fixtures.requestWithTraits;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TraitsFilterTest {
    private final TraitsFilter filter = new TraitsFilter();
    private final NodeInfo ssd = node("n1", 8192, 8192, Map.of("ssd", "true", "rack", "r1"));

    @Test
    void aRequestWithoutTraitsFitsAnyNode() {
        assertThat(filter.check(node("n2", 1, 1), NodeView.empty(), requestWithTraits("t", 1, Map.of())).fits()).isTrue();
    }

    @Test
    void everyRequiredTraitMustBeOnTheNodeWithTheSameValue() {
        assertThat(filter.check(ssd, NodeView.empty(), requestWithTraits("t", 1, Map.of("ssd", "true"))).fits()).isTrue();
        assertThat(filter.check(ssd, NodeView.empty(),
                requestWithTraits("t", 1, Map.of("ssd", "true", "rack", "r1"))).fits()).isTrue();
        FilterStatus other = filter.check(ssd, NodeView.empty(),
                requestWithTraits("t", 1, Map.of("ssd", "true", "rack", "r2")));
        assertThat(other.fits()).isFalse();
        assertThat(other.reason()).isEqualTo("the node has trait rack=r1, not r2");
    }

    @Test
    void aMissingTraitIsNamed() {
        FilterStatus status = filter.check(ssd, NodeView.empty(), requestWithTraits("t", 1, Map.of("gpu", "a100")));
        assertThat(status.fits()).isFalse();
        assertThat(status.reason()).isEqualTo("the node lacks trait gpu=a100");
    }

    @Test
    void explainsWhichTraitsNoNodeHas() {
        PlacementRequest req = requestWithTraits("t", 1, Map.of("gpu", "a100"));
        List<Rejection> rejected = List.of(new Rejection(ssd, NodeView.empty(), filter.check(ssd, NodeView.empty(), req)));
        assertThat(filter.explain(req, rejected, true)).isEqualTo("no node has the required trait gpu=a100");
        assertThat(filter.explain(req, rejected, false)).isEqualTo("1 node lacks the required trait gpu=a100");
    }
}
