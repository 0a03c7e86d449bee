package io.gantry.provisioner.placement;

import io.gantry.common.affinity.AffinityRule;
import io.gantry.common.coord.NodeCapacity;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Small builders shared by the placement tests. */
final class Fixtures {
    static final long GIB = 1024;

    private Fixtures() {
    }

    static NodeInfo node(String name, long memoryMiB, long diskMiB) {
        return new NodeInfo(name, new NodeCapacity(memoryMiB, diskMiB, 8), Map.of(), true);
    }

    static NodeInfo node(String name, long memoryMiB, long diskMiB, Map<String, String> traits) {
        return new NodeInfo(name, new NodeCapacity(memoryMiB, diskMiB, 8), traits, true);
    }

    static NodeInfo deadNode(String name, long memoryMiB, long diskMiB) {
        return new NodeInfo(name, new NodeCapacity(memoryMiB, diskMiB, 8), Map.of(), false);
    }

    static PlacedMachine machine(String tenant, String name, long memoryMiB) {
        return new PlacedMachine(UUID.randomUUID(), tenant, name, Map.of(), memoryMiB, memoryMiB * 10);
    }

    static PlacedMachine machine(String tenant, String name, Map<String, String> tags, long memoryMiB) {
        return new PlacedMachine(UUID.randomUUID(), tenant, name, tags, memoryMiB, memoryMiB * 10);
    }

    static PlacementRequest request(String tenant, String name, long memoryMiB, long diskMiB) {
        return PlacementRequest.of(UUID.randomUUID(), tenant, name, memoryMiB, diskMiB);
    }

    static PlacementRequest request(String tenant, String name, long memoryMiB, String... affinity) {
        return new PlacementRequest(UUID.randomUUID(), tenant, name, Map.of(), memoryMiB, memoryMiB * 10, Map.of(),
                Arrays.stream(affinity).map(AffinityRule::parse).toList());
    }

    static PlacementRequest requestWithTraits(String tenant, long memoryMiB, Map<String, String> traits) {
        return new PlacementRequest(UUID.randomUUID(), tenant, "m", Map.of(), memoryMiB, memoryMiB * 10, traits,
                List.of());
    }

    static NodeView viewOf(PlacedMachine... machines) {
        return NodeView.of(List.of(machines));
    }
}
