package io.gantry.provisioner.placement;

import static io.gantry.provisioner.placement.Fixtures.deadNode;
import static io.gantry.provisioner.placement.Fixtures.node;
import static io.gantry.provisioner.placement.Fixtures.request;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class AliveFilterTest {
    private final AliveFilter filter = new AliveFilter();
    private final PlacementRequest req = request("t", "m", 1024, 1024);

    @Test
    void passesAliveNodes() {
        assertThat(filter.check(node("n1", 4096, 4096), NodeView.empty(), req).fits()).isTrue();
    }

    @Test
    void rejectsNodesThatAreNotAliveWithAReason() {
        FilterStatus status = filter.check(deadNode("n1", 4096, 4096), NodeView.empty(), req);
        assertThat(status.fits()).isFalse();
        assertThat(status.reason()).isEqualTo("the node is not alive");
    }

    @Test
    void explainsThatNoNodeIsAliveOrHowManyAreNot() {
        FilterStatus down = filter.check(deadNode("n1", 1, 1), NodeView.empty(), req);
        List<Rejection> two = List.of(new Rejection(deadNode("n1", 1, 1), NodeView.empty(), down),
                new Rejection(deadNode("n2", 1, 1), NodeView.empty(), down));
        assertThat(filter.explain(req, two, true)).isEqualTo("no node is alive");
        assertThat(filter.explain(req, two, false)).isEqualTo("2 nodes are not alive");
        assertThat(filter.explain(req, two.subList(0, 1), false)).isEqualTo("1 node is not alive");
    }
}
