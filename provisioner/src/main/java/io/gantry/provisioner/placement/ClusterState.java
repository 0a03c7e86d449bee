package io.gantry.provisioner.placement;

import io.gantry.common.GantryException;
import io.gantry.common.affinity.AffinityRule;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiPredicate;

/**
 * The cluster as placement sees it, and the ledger of what is booked where. Thread-safe.
 *
 * <p>Each node's bookings change only under that node's lock, and a booking claims its machine id in one map in
 * the same step, so a machine is booked on at most one node and a node's totals always equal the sum of its
 * machines. Placement reads without locks and re-checks under the chosen node's lock ({@link #reserve}).
 */
public final class ClusterState {
    /** What {@link #reserve} did. */
    enum Reservation { BOOKED, NO_LONGER_FITS, ALREADY_BOOKED, CHANGED }

    /** For {@link #reserve}: book whatever changed on the node since the caller looked, as long as it still fits. */
    static final long ANY_VERSION = -1;

    private record Booking(PlacedMachine machine, NodeSlot slot) {
    }

    private record MachineName(String tenant, String name) {
    }

    private final Object membership = new Object();
    private final Map<String, NodeSlot> byName = new ConcurrentHashMap<>();
    private final List<NodeSlot> order = new ArrayList<>(); // guarded by membership; insertion order
    private volatile NodeSlot[] snapshot = new NodeSlot[0]; // null after a membership change until next read
    private final ConcurrentHashMap<UUID, NodeSlot> where = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, ConcurrentHashMap<UUID, Booking>> byTenant = new ConcurrentHashMap<>();
    /** For rules naming a machine literally ({@code instance==db1}): no walk over the tenant's machines. */
    private final ConcurrentHashMap<MachineName, ConcurrentHashMap<UUID, Booking>> byMachineName =
            new ConcurrentHashMap<>();

    /** Why each node closed to new machines is closed, by node: the operators' say, kept across its adverts. */
    private final Map<String, String> closed = new ConcurrentHashMap<>();

    /**
     * Adds the node, or replaces its info (alive flag, capacity, traits) keeping what is booked on it. Whether it is
     * closed to new machines is this state's ({@link #setClosed}), not the caller's.
     */
    public void upsertNode(NodeInfo given) {
        Objects.requireNonNull(given, "node");
        synchronized (membership) {
            NodeInfo node = given.withClosed(closed.get(given.name()));
            NodeSlot slot = byName.get(node.name());
            if (slot == null) {
                slot = new NodeSlot(node);
                byName.put(node.name(), slot);
                order.add(slot);
                snapshot = null;
            } else {
                synchronized (slot) {
                    slot.setInfo(node);
                }
            }
        }
    }

    /**
     * Which nodes are closed to new machines, and why (e.g. "in maintenance"); every node not named is open. Nodes
     * not known yet take their entry when they are added.
     */
    public void setClosed(Map<String, String> why) {
        synchronized (membership) {
            if (closed.equals(why)) {
                return; // the leader calls this on every pass; most passes change nothing
            }
            closed.clear();
            closed.putAll(why);
            for (NodeSlot slot : order) {
                synchronized (slot) {
                    slot.setInfo(slot.info().withClosed(why.get(slot.name())));
                }
            }
        }
    }

    public void setAlive(String node, boolean alive) {
        NodeSlot slot = slot(node);
        synchronized (slot) {
            slot.setInfo(slot.info().withAlive(alive));
        }
    }

    /** Forgets the node and every booking on it; unknown nodes are ignored. */
    public void removeNode(String node) {
        NodeSlot slot;
        synchronized (membership) {
            slot = byName.remove(node);
            if (slot == null) {
                return;
            }
            order.remove(slot);
            snapshot = null;
        }
        synchronized (slot) {
            slot.markRemoved();
            for (PlacedMachine m : slot.all()) {
                slot.remove(m.id());
                where.remove(m.id(), slot);
                unindex(m);
            }
        }
    }

    /**
     * Records a placement that already exists (e.g. read back from the database), without checking capacity.
     * Idempotent per machine id: booking it again on the same node updates it; on another node moves it.
     */
    public void book(String node, PlacedMachine machine) {
        Objects.requireNonNull(machine, "machine");
        NodeSlot slot = slot(node);
        while (true) {
            NodeSlot current = where.get(machine.id());
            if (current != null && current != slot) {
                releaseFrom(current, machine.id());
                continue;
            }
            synchronized (slot) {
                if (slot.removed()) {
                    throw GantryException.notFound("no node named " + node);
                }
                NodeSlot prev = where.putIfAbsent(machine.id(), slot);
                if (prev == null || prev == slot) {
                    PlacedMachine old = slot.get(machine.id());
                    if (old != null) {
                        unindex(old);
                    }
                    slot.add(machine);
                    index(machine, slot);
                    return;
                }
            }
            // booked elsewhere meanwhile: go round and move it
        }
    }

    /** Un-books the machine wherever it is; false if it is not booked. */
    public boolean release(UUID machine) {
        while (true) {
            NodeSlot slot = where.get(machine);
            if (slot == null) {
                return false;
            }
            if (releaseFrom(slot, machine)) {
                return true;
            }
        }
    }

    /** Changes a booked machine's size in place, whether or not it fits; an unknown machine is ResourceNotFound. */
    public void resize(UUID machine, long memoryMiB, long diskMiB, int vcpus) {
        resizeIf(machine, memoryMiB, diskMiB, vcpus, null);
    }

    public Optional<String> nodeOf(UUID machine) {
        NodeSlot slot = where.get(machine);
        return slot == null ? Optional.empty() : Optional.of(slot.name());
    }

    /** Every node, in the order they were first added. */
    public List<NodeInfo> nodes() {
        NodeSlot[] all = slots();
        List<NodeInfo> out = new ArrayList<>(all.length);
        for (NodeSlot s : all) {
            out.add(s.info());
        }
        return out;
    }

    public Optional<NodeInfo> node(String name) {
        NodeSlot slot = byName.get(name);
        return slot == null ? Optional.empty() : Optional.of(slot.info());
    }

    /** What is booked on the node, read consistently; an unknown node is ResourceNotFound. */
    public NodeUsage usage(String node) {
        NodeSlot slot = slot(node);
        synchronized (slot) {
            return new NodeUsage(slot.bookedMemoryMiB(), slot.bookedDiskMiB(), slot.machineCount(), slot.bookedVcpus());
        }
    }

    /** The machines booked on the node; an unknown node is ResourceNotFound. */
    public List<PlacedMachine> machinesOn(String node) {
        NodeSlot slot = slot(node);
        synchronized (slot) {
            return slot.all();
        }
    }

    /**
     * The live view of what is booked on the node, read without locks (it follows later bookings); an unknown node
     * is ResourceNotFound.
     */
    public NodeView view(String node) {
        return slot(node);
    }

    /**
     * Books {@code machine} on {@code node} only if {@code fits}, run under the node's lock against its current
     * info and bookings, accepts; and only if the machine is not booked anywhere yet. The building block of every
     * placement: check and book are one step, so concurrent callers never book the same capacity twice.
     *
     * @return true if this call booked it
     */
    public boolean bookIfFits(String node, PlacedMachine machine, BiPredicate<NodeInfo, NodeView> fits) {
        return reserve(slot(node), machine, fits, ANY_VERSION) == Reservation.BOOKED;
    }

    /* ---- for the engine ---- */

    NodeSlot[] slots() {
        NodeSlot[] s = snapshot;
        if (s == null) {
            synchronized (membership) {
                s = snapshot;
                if (s == null) {
                    s = order.toArray(new NodeSlot[0]);
                    snapshot = s;
                }
            }
        }
        return s;
    }

    /**
     * Books {@code machine} on {@code slot} in one step under the node's lock, if {@code stillFits} (run under that
     * lock, against the node's current info and bookings) says it still fits and the machine is not booked anywhere;
     * and, unless {@code seenVersion} is {@link #ANY_VERSION}, only if the node is still at that version
     * ({@link NodeSlot#version()} read before the caller judged it): otherwise {@link Reservation#CHANGED}, as its
     * score may have changed (e.g. a concurrent placement put the same tenant's machine there, and spreading would now
     * prefer another node).
     */
    Reservation reserve(NodeSlot slot, PlacedMachine machine, BiPredicate<NodeInfo, NodeView> stillFits, long seenVersion) {
        synchronized (slot) {
            if (seenVersion != ANY_VERSION && slot.version() != seenVersion && !slot.removed()) {
                return Reservation.CHANGED;
            }
            if (slot.removed() || !stillFits.test(slot.info(), slot)) {
                return Reservation.NO_LONGER_FITS;
            }
            if (where.putIfAbsent(machine.id(), slot) != null) {
                return Reservation.ALREADY_BOOKED;
            }
            slot.add(machine);
            index(machine, slot);
            return Reservation.BOOKED;
        }
    }

    /**
     * Resizes a booked machine under its node's lock. With {@code fits} null it always does; otherwise a growth is
     * made only if {@code fits} accepts the node's current info and bookings with the new size in place of the old.
     */
    boolean resizeIf(UUID machine, long memoryMiB, long diskMiB, int vcpus, BiPredicate<NodeInfo, NodeView> fits) {
        if (memoryMiB < 0 || diskMiB < 0 || vcpus < 0) {
            throw GantryException.invalid("a machine cannot have a negative size: " + memoryMiB + " MiB of memory, "
                    + diskMiB + " MiB of disk, " + vcpus + " vCPUs");
        }
        while (true) {
            NodeSlot slot = where.get(machine);
            if (slot == null) {
                throw GantryException.notFound("machine " + machine + " is not booked on any node");
            }
            synchronized (slot) {
                if (where.get(machine) != slot) {
                    continue;
                }
                PlacedMachine old = slot.get(machine);
                PlacedMachine resized = old.withSize(memoryMiB, diskMiB, vcpus);
                boolean grows = memoryMiB > old.memoryMiB() || diskMiB > old.diskMiB() || vcpus > old.vcpus();
                if (fits != null && grows) {
                    List<PlacedMachine> after = new ArrayList<>(slot.all());
                    after.removeIf(p -> p.id().equals(machine));
                    after.add(resized);
                    if (!fits.test(slot.info(), NodeView.of(after))) {
                        return false;
                    }
                }
                unindex(old);
                slot.add(resized);
                index(resized, slot);
                return true;
            }
        }
    }

    /** The live nodes holding a machine of {@code tenant} that {@code rule} matches (ignoring the rule's sign). */
    Set<NodeSlot> nodesHosting(String tenant, AffinityRule rule) {
        Map<UUID, Booking> mine = byTenant.get(tenant);
        if (mine == null) {
            return Set.of();
        }
        Set<NodeSlot> out = new LinkedHashSet<>();
        if (rule.instanceRule() && rule.value().literal()) {
            String text = rule.value().text();
            Map<UUID, Booking> named = byMachineName.get(new MachineName(tenant, text));
            if (named != null) {
                addLive(named.values(), out);
            }
            if (text.length() == 36) { // a literal UUID names the machine by id
                try {
                    Booking b = mine.get(UUID.fromString(text));
                    if (b != null) {
                        addLive(List.of(b), out);
                    }
                } catch (IllegalArgumentException notAUuid) {
                    // a name that happens to be 36 characters long
                }
            }
            return out;
        }
        for (Booking b : mine.values()) {
            if (!b.slot().removed() && rule.matches(b.machine())) {
                out.add(b.slot());
            }
        }
        return out;
    }

    private static void addLive(Iterable<Booking> bookings, Set<NodeSlot> out) {
        for (Booking b : bookings) {
            if (!b.slot().removed()) {
                out.add(b.slot());
            }
        }
    }

    /* ---- internals ---- */

    private NodeSlot slot(String node) {
        NodeSlot slot = node == null ? null : byName.get(node);
        if (slot == null) {
            throw GantryException.notFound("no node named " + node);
        }
        return slot;
    }

    private boolean releaseFrom(NodeSlot slot, UUID machine) {
        synchronized (slot) {
            if (!where.remove(machine, slot)) {
                return false;
            }
            PlacedMachine old = slot.remove(machine);
            if (old != null) {
                unindex(old);
            }
            return true;
        }
    }

    // Called under the slot's lock; two slots may index machines of one tenant and name at once, hence compute.
    private void index(PlacedMachine m, NodeSlot slot) {
        Booking booking = new Booking(m, slot);
        byTenant.computeIfAbsent(m.tenant(), t -> new ConcurrentHashMap<>()).put(m.id(), booking);
        byMachineName.compute(new MachineName(m.tenant(), m.name()), (k, same) -> {
            ConcurrentHashMap<UUID, Booking> map = same == null ? new ConcurrentHashMap<>(2) : same;
            map.put(m.id(), booking);
            return map;
        });
    }

    private void unindex(PlacedMachine m) {
        Map<UUID, Booking> mine = byTenant.get(m.tenant());
        if (mine != null) {
            mine.remove(m.id());
        }
        byMachineName.computeIfPresent(new MachineName(m.tenant(), m.name()), (k, same) -> {
            same.remove(m.id());
            return same.isEmpty() ? null : same;
        });
    }
}
