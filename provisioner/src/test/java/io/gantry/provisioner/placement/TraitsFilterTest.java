package io.gantry.provisioner.placement;

import static io.gantry.provisioner.placement.Fixtures.node;
import static io.gantry.provisioner.placement.Fixtures.requestWithTraits;
import static org.assertj.core.api.Assertions.assertThat;

import io.gantry.common.RequiredTraits;
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

    private static PlacementRequest requiring(Map<String, ?> traits) {
        return new PlacementRequest(java.util.UUID.randomUUID(), "t", "m", Map.of(), 1, 1, 0,
                RequiredTraits.fromJson(traits, "the test's package"), List.of());
    }

    @Test
    void aBooleanIsMetByTheNodeTraitOfTheSameText() {
        assertThat(filter.check(ssd, NodeView.empty(), requiring(Map.of("ssd", true))).fits()).isTrue();
        FilterStatus no = filter.check(ssd, NodeView.empty(), requiring(Map.of("ssd", false)));
        assertThat(no.fits()).isFalse();
        assertThat(no.reason()).isEqualTo("the node has trait ssd=true, not false");
    }

    @Test
    void anArrayIsMetByAnyOfItsValues() {
        assertThat(filter.check(ssd, NodeView.empty(), requiring(Map.of("rack", List.of("r0", "r1")))).fits()).isTrue();
        FilterStatus no = filter.check(ssd, NodeView.empty(), requiring(Map.of("rack", List.of("r2", "r3"))));
        assertThat(no.fits()).isFalse();
        assertThat(no.reason()).isEqualTo("the node has trait rack=r1, not r2|r3");
        PlacementRequest req = requiring(Map.of("rack", List.of("r2", "r3"), "ssd", true));
        List<Rejection> rejected = List.of(new Rejection(ssd, NodeView.empty(), filter.check(ssd, NodeView.empty(), req)));
        assertThat(filter.explain(req, rejected, true)).isEqualTo("no node has all the required traits rack=r2|r3, ssd=true");
    }

    @Test
    void aNodeWithMoreTraitsThanRequiredFits() {
        assertThat(filter.check(ssd, NodeView.empty(), requiring(Map.of("rack", "r1"))).fits()).isTrue();
        assertThat(filter.check(node("bare", 1, 1), NodeView.empty(), requiring(Map.of("rack", "r1"))).fits()).isFalse();
    }
}
