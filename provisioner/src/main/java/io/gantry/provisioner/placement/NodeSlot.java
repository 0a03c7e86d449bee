package io.gantry.provisioner.placement;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One node inside {@link ClusterState}: its info and its bookings. Every change happens under the slot's monitor;
 * the fields filters read are volatile (and the per-tenant lists immutable) so placement can look without locking
 * and re-check under the monitor when it books.
 */
final class NodeSlot implements NodeView {
    private volatile NodeInfo info;
    private volatile boolean removed;
    private volatile long bookedMemory;
    private volatile long bookedDisk;
    private volatile long bookedVcpus;
    private volatile int count;
    /**
     * Bumped at the end of every change below, so a placement can tell whether the node it scored is still as it saw
     * it: read before the fields, it is either the version of what they show or older (and the booking then refused).
     */
    private volatile long version;
    private final Map<UUID, PlacedMachine> machines = new HashMap<>(); // guarded by this
    private final ConcurrentHashMap<String, List<PlacedMachine>> byTenant = new ConcurrentHashMap<>();

    NodeSlot(NodeInfo info) {
        this.info = info;
    }

    NodeInfo info() {
        return info;
    }

    String name() {
        return info.name();
    }

    boolean removed() {
        return removed;
    }

    long version() {
        return version;
    }

    /* ---- changes: callers hold the monitor ---- */

    void setInfo(NodeInfo info) {
        this.info = info;
        version++; // last, after the change: a reader that sees the new version sees the change
    }

    void markRemoved() {
        removed = true;
        version++;
    }

    void add(PlacedMachine m) {
        PlacedMachine old = machines.put(m.id(), m);
        if (old != null) {
            unaccount(old);
        }
        bookedMemory += m.memoryMiB();
        bookedDisk += m.diskMiB();
        bookedVcpus += m.vcpus();
        count++;
        List<PlacedMachine> list = byTenant.getOrDefault(m.tenant(), List.of());
        List<PlacedMachine> copy = new ArrayList<>(list.size() + 1);
        copy.addAll(list);
        copy.add(m);
        byTenant.put(m.tenant(), List.copyOf(copy));
        version++;
    }

    PlacedMachine remove(UUID id) {
        PlacedMachine old = machines.remove(id);
        if (old != null) {
            unaccount(old);
            version++;
        }
        return old;
    }

    PlacedMachine get(UUID id) {
        return machines.get(id);
    }

    List<PlacedMachine> all() {
        return List.copyOf(machines.values());
    }

    private void unaccount(PlacedMachine old) {
        bookedMemory -= old.memoryMiB();
        bookedDisk -= old.diskMiB();
        bookedVcpus -= old.vcpus();
        count--;
        List<PlacedMachine> list = byTenant.getOrDefault(old.tenant(), List.of());
        List<PlacedMachine> rest = new ArrayList<>(list.size());
        for (PlacedMachine p : list) {
            if (!p.id().equals(old.id())) {
                rest.add(p);
            }
        }
        if (rest.isEmpty()) {
            byTenant.remove(old.tenant());
        } else {
            byTenant.put(old.tenant(), List.copyOf(rest));
        }
    }

    /* ---- NodeView ---- */

    @Override
    public long bookedMemoryMiB() {
        return bookedMemory;
    }

    @Override
    public long bookedDiskMiB() {
        return bookedDisk;
    }

    @Override
    public long bookedVcpus() {
        return bookedVcpus;
    }

    @Override
    public int machineCount() {
        return count;
    }

    @Override
    public List<PlacedMachine> machinesOf(String tenant) {
        return byTenant.getOrDefault(tenant, List.of());
    }

    @Override
    public String toString() {
        return "node " + info.name();
    }
}
