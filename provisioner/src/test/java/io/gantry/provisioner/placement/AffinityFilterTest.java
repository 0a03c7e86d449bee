package io.gantry.provisioner.placement;

import static io.gantry.provisioner.placement.Fixtures.machine;
import static io.gantry.provisioner.placement.Fixtures.node;
import static io.gantry.provisioner.placement.Fixtures.request;
import static io.gantry.provisioner.placement.Fixtures.viewOf;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AffinityFilterTest {
    private final AffinityFilter filter = new AffinityFilter();
    private final NodeInfo node = node("n1", 65536, 655360);
    private final NodeView withDb1 = viewOf(machine("acme", "db1", Map.of("role", "db"), 1024));
    private final NodeView withOthersDb1 = viewOf(machine("globex", "db1", Map.of("role", "db"), 1024));

    @Test
    void mustBeWithNeedsAMatchingMachineOfTheSameTenantOnTheNode() {
        PlacementRequest req = request("acme", "web1", 1024, "instance==db1");
        assertThat(filter.check(node, withDb1, req).fits()).isTrue();
        assertThat(filter.check(node, NodeView.empty(), req).fits()).isFalse();
        FilterStatus othersOnly = filter.check(node, withOthersDb1, req);
        assertThat(othersOnly.fits()).isFalse();
        assertThat(othersOnly.reason()).isEqualTo("no machine on the node matches affinity rule instance==db1");
    }

    @Test
    void mustNotBeWithRejectsANodeHostingAMatchOfTheSameTenantOnly() {
        PlacementRequest req = request("acme", "db2", 1024, "instance!=db*");
        FilterStatus status = filter.check(node, withDb1, req);
        assertThat(status.fits()).isFalse();
        assertThat(status.reason()).isEqualTo("a machine on the node matches instance db*, against affinity rule instance!=db*");
        assertThat(filter.check(node, withOthersDb1, req).fits()).isTrue();
        assertThat(filter.check(node, NodeView.empty(), req).fits()).isTrue();
    }

    @Test
    void tagRulesLookAtTheTenantsMachinesTags() {
        assertThat(filter.check(node, withDb1, request("acme", "w", 1024, "role!=db")).fits()).isFalse();
        assertThat(filter.check(node, withDb1, request("acme", "w", 1024, "role==db")).fits()).isTrue();
        assertThat(filter.check(node, withDb1, request("acme", "w", 1024, "role==web")).fits()).isFalse();
        assertThat(filter.check(node, withOthersDb1, request("acme", "w", 1024, "role!=db")).fits()).isTrue();
    }

    @Test
    void softRulesAreNotItsBusiness() {
        assertThat(filter.check(node, NodeView.empty(), request("acme", "w", 1024, "instance==~db1")).fits()).isTrue();
        assertThat(filter.check(node, withDb1, request("acme", "w", 1024, "instance!=~db1")).fits()).isTrue();
    }

    @Test
    void everyHardRuleMustHold() {
        PlacementRequest req = request("acme", "w", 1024, "instance==db1", "role!=db");
        assertThat(filter.check(node, withDb1, req).fits()).isFalse(); // db1 is itself role=db
    }

    @Test
    void explainsTheRulesNoNodeSatisfies() {
        PlacementRequest req = request("acme", "w", 1024, "instance==db9");
        List<Rejection> rejected = List.of(new Rejection(node, withDb1, filter.check(node, withDb1, req)));
        assertThat(filter.explain(req, rejected, true)).isEqualTo("no node satisfies affinity rule instance==db9");
        assertThat(filter.explain(req, rejected, false)).isEqualTo("1 node does not satisfy affinity rule instance==db9");
    }
}
