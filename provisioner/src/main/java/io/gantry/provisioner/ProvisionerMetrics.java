package io.gantry.provisioner;

import io.gantry.provisioner.placement.ClusterState;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** What the provisioner tells Prometheus: placement outcomes, finished jobs, leadership, zones booked per node. */
final class ProvisionerMetrics {
    private final MeterRegistry registry;
    private final Counter placed;
    private final Counter noFit;
    private final AtomicInteger leader = new AtomicInteger();
    private final MultiGauge zonesPerNode;

    ProvisionerMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.placed = Counter.builder("gantry_placements").tag("result", "placed").description("Placement decisions").register(registry);
        this.noFit = Counter.builder("gantry_placements").tag("result", "nofit").description("Placement decisions").register(registry);
        registry.gauge("gantry_provisioner_leader", leader);
        this.zonesPerNode = MultiGauge.builder("gantry_node_zones").description("Machines booked on each node, as the leader sees it")
                .register(registry);
    }

    static ProvisionerMetrics none() {
        return new ProvisionerMetrics(new SimpleMeterRegistry());
    }

    void placed() {
        placed.increment();
    }

    /** A placement that found no node, and per filter how many nodes it was the first to turn away. */
    void noFit(Map<String, Integer> rejectedBy) {
        noFit.increment();
        rejectedBy.forEach((filter, nodes) -> {
            if (nodes > 0) {
                Counter.builder("gantry_placement_rejected_nodes").tag("filter", filter)
                        .description("Nodes each placement filter turned away in placements that found no node")
                        .register(registry).increment(nodes);
            }
        });
    }

    void leading(boolean leads) {
        leader.set(leads ? 1 : 0);
        if (!leads) {
            zonesPerNode.register(java.util.List.of(), true);
        }
    }

    void jobFinished(String action, boolean ok) {
        registry.counter("gantry_jobs_finished", "action", action, "outcome", ok ? "succeeded" : "failed").increment();
    }

    /** A job its machine's delete ended before any node acted on it: counted apart, so it raises no alarm of failed jobs. */
    void jobSuperseded(String action) {
        registry.counter("gantry_jobs_finished", "action", action, "outcome", "superseded").increment();
    }

    void nodes(ClusterState cluster) {
        zonesPerNode.register(cluster.nodes().stream()
                .map(n -> MultiGauge.Row.of(Tags.of("node", n.name()), cluster.machinesOn(n.name()).size()))
                .toList(), true);
    }
}
