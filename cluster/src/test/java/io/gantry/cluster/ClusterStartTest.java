package io.gantry.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The cluster as a tenant first meets it: a machine created through the load balancer runs on one of the nodes. */
@ExtendWith(ClusterExtension.class)
class ClusterStartTest {
    @Test
    void aMachineCreatedThroughTheLoadBalancerRunsAsOneZoneOnANode(ClusterRun run) {
        TenantMachines machines = new TenantMachines(run);
        UUID id = UUID.randomUUID();
        assertThat(machines.create(id, "first").status()).isEqualTo(201);

        long ms = machines.await(List.of(id), "running"::equals, Duration.ofMinutes(2));
        assertThat(ms).as("machine %s running (now %s)", id, machines.state(id)).isNotNegative();
        assertThat(machines.node(id)).isIn("cn1", "cn2", "cn3");
        assertThat(machines.zonesOnNodes()).containsEntry(id.toString(), 1);
        System.out.println("cluster: first machine running " + ms + " ms after its 201, on " + machines.node(id));

        assertThat(machines.deleteAll(List.of(id), Duration.ofMinutes(1))).isTrue();
    }
}
