package io.gantry.provisioner.placement;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What is booked on one node, as filters and scorers read it. The live view of a node in a {@link ClusterState}
 * is read without locks (placement re-checks its choice under the node's lock before booking), so two calls may
 * see different bookings.
 */
public interface NodeView {
    long bookedMemoryMiB();

    long bookedDiskMiB();

    long bookedVcpus();

    int machineCount();

    /** The machines of {@code tenant} on this node; empty when none. */
    List<PlacedMachine> machinesOf(String tenant);

    /** A fixed view of a node holding exactly {@code machines} (for tests and what-if checks). */
    static NodeView of(Collection<PlacedMachine> machines) {
        long memory = 0;
        long disk = 0;
        long vcpus = 0;
        Map<String, List<PlacedMachine>> byTenant = new HashMap<>();
        for (PlacedMachine m : machines) {
            memory += m.memoryMiB();
            disk += m.diskMiB();
            vcpus += m.vcpus();
            byTenant.computeIfAbsent(m.tenant(), t -> new ArrayList<>()).add(m);
        }
        byTenant.replaceAll((t, list) -> List.copyOf(list));
        return new Fixed(memory, disk, vcpus, machines.size(), Map.copyOf(byTenant));
    }

    /** The view {@link #of} makes: its figures worked out once. */
    record Fixed(long bookedMemoryMiB, long bookedDiskMiB, long bookedVcpus, int machineCount, Map<String, List<PlacedMachine>> byTenant)
            implements NodeView {
        @Override
        public List<PlacedMachine> machinesOf(String tenant) {
            return byTenant.getOrDefault(tenant, List.of());
        }
    }

    /** A node with nothing booked. */
    static NodeView empty() {
        return of(List.of());
    }
}
