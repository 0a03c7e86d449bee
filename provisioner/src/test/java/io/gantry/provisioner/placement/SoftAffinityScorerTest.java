package io.gantry.provisioner.placement;

import static io.gantry.provisioner.placement.Fixtures.machine;
import static io.gantry.provisioner.placement.Fixtures.node;
import static io.gantry.provisioner.placement.Fixtures.request;
import static io.gantry.provisioner.placement.Fixtures.viewOf;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SoftAffinityScorerTest {
    private final SoftAffinityScorer scorer = new SoftAffinityScorer();
    private final NodeInfo node = node("n1", 65536, 655360);
    private final NodeView withDb1 = viewOf(machine("acme", "db1", 1024));
    private final SplittableRandom random = new SplittableRandom(1);

    private double score(NodeView view, String... rules) {
        return scorer.score(node, view, request("acme", "w", 1024, rules), random);
    }

    @Test
    void aHonouredPreferenceScoresOneAndAnIgnoredOneMinusOne() {
        assertThat(score(withDb1, "instance==~db1")).isEqualTo(1.0);
        assertThat(score(NodeView.empty(), "instance==~db1")).isEqualTo(-1.0);
        assertThat(score(withDb1, "instance!=~db1")).isEqualTo(-1.0);
        assertThat(score(NodeView.empty(), "instance!=~db1")).isEqualTo(1.0);
    }

    @Test
    void severalPreferencesAverage() {
        assertThat(score(withDb1, "instance==~db1", "instance==~cache*")).isEqualTo(0.0);
        assertThat(score(withDb1, "instance==~db1", "instance!=~cache*")).isEqualTo(1.0);
    }

    @Test
    void noSoftRulesScoresZeroAndHardRulesAreIgnored() {
        assertThat(score(withDb1)).isEqualTo(0.0);
        assertThat(score(withDb1, "instance==db1")).isEqualTo(0.0);
    }

    @Test
    void otherTenantsMachinesDoNotCount() {
        assertThat(score(viewOf(machine("globex", "db1", 1024)), "instance==~db1")).isEqualTo(-1.0);
    }
}
