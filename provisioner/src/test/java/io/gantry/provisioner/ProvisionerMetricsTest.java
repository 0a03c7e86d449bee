package io.gantry.provisioner;

import static org.assertj.core.api.Assertions.assertThat;

import io.gantry.provisioner.placement.PlacementDecision;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProvisionerMetricsTest {
    @Test
    void aNoFitCountsTheNodesEachFilterTurnedAway() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        ProvisionerMetrics metrics = new ProvisionerMetrics(registry);
        Map<String, Integer> first = new LinkedHashMap<>();
        first.put("alive", 1);
        first.put("capacity", 2);
        first.put("traits", 0);
        metrics.noFit(first);
        metrics.noFit(Map.of("capacity", 3));

        assertThat(registry.get("gantry_placements").tag("result", "nofit").counter().count()).isEqualTo(2);
        assertThat(registry.get("gantry_placement_rejected_nodes").tag("filter", "capacity").counter().count()).isEqualTo(5);
        assertThat(registry.get("gantry_placement_rejected_nodes").tag("filter", "alive").counter().count()).isEqualTo(1);
        assertThat(registry.find("gantry_placement_rejected_nodes").tag("filter", "traits").counter())
                .as("a filter that turned no node away is not counted").isNull();
    }

    @Test
    void aNoFitExplainsItselfWithTheCountsThatAreNotZero() {
        Map<String, Integer> counts = new LinkedHashMap<>();
        counts.put("alive", 1);
        counts.put("traits", 0);
        counts.put("capacity", 2);
        assertThat(new PlacementDecision.NoFit("no node has 2048 MiB free", counts).explained())
                .isEqualTo("no node has 2048 MiB free (nodes rejected: alive 1, capacity 2)");
        assertThat(new PlacementDecision.NoFit("there are no compute nodes to place on", Map.of("alive", 0)).explained())
                .isEqualTo("there are no compute nodes to place on");
    }
}
