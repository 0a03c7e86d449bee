package io.gantry.provisioner.placement;

import static io.gantry.provisioner.placement.Fixtures.node;
import static io.gantry.provisioner.placement.Fixtures.request;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class InServiceFilterTest {
    private final InServiceFilter filter = new InServiceFilter();
    private final PlacementRequest req = request("t", "m", 1024, 1024);

    @Test
    void passesOpenNodes() {
        assertThat(filter.check(node("n1", 4096, 4096), NodeView.empty(), req).fits()).isTrue();
    }

    @Test
    void rejectsClosedNodesSayingWhy() {
        FilterStatus maintenance = filter.check(node("n1", 4096, 4096).withClosed("in maintenance"), NodeView.empty(), req);
        assertThat(maintenance.fits()).isFalse();
        assertThat(maintenance.reason()).isEqualTo("the node is in maintenance");
        assertThat(filter.check(node("n1", 4096, 4096).withClosed("retired"), NodeView.empty(), req).reason())
                .isEqualTo("the node is retired");
    }

    @Test
    void reopenedNodesPassAgainAndKeepTheRest() {
        NodeInfo closed = node("n1", 4096, 4096).withClosed("in maintenance").withAlive(false);
        NodeInfo open = closed.withAlive(true).withClosed(null);
        assertThat(open.alive()).isTrue();
        assertThat(open.closed()).isNull();
        assertThat(closed.withAlive(true).closed()).as("coming back alive does not reopen it").isEqualTo("in maintenance");
        assertThat(filter.check(open, NodeView.empty(), req).fits()).isTrue();
    }

    @Test
    void explainsThatNoNodeIsInServiceOrHowManyAreNot() {
        NodeInfo n1 = node("n1", 1, 1).withClosed("retired");
        NodeInfo n2 = node("n2", 1, 1).withClosed("in maintenance");
        List<Rejection> two = List.of(new Rejection(n1, NodeView.empty(), filter.check(n1, NodeView.empty(), req)),
                new Rejection(n2, NodeView.empty(), filter.check(n2, NodeView.empty(), req)));
        assertThat(filter.explain(req, two, true)).isEqualTo("no node is in service (every one is in maintenance or retired)");
        assertThat(filter.explain(req, two, false)).isEqualTo("2 nodes are in maintenance or retired");
        assertThat(filter.explain(req, two.subList(0, 1), false)).isEqualTo("1 node is in maintenance or retired");
    }
}
