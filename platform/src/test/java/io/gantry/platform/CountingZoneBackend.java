package io.gantry.platform;

import io.gantry.agent.ForwardingZoneBackend;
import io.gantry.agent.sim.SimulatedZoneBackend;
import io.gantry.common.Zone;
import io.gantry.common.ZoneSpec;
import java.time.Clock;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A SIMULATED zone backend ({@link SimulatedZoneBackend}: in memory, nothing isolated, nothing
 * runs) that counts how often each zone was asked to be created and deleted, so tests can prove a
 * task was done once. For coordination tests only.
 */
final class CountingZoneBackend extends ForwardingZoneBackend {
    private final Map<UUID, AtomicInteger> creates = new ConcurrentHashMap<>();
    private final Map<UUID, AtomicInteger> deletes = new ConcurrentHashMap<>();

    CountingZoneBackend(String imageId) {
        super(new SimulatedZoneBackend(Set.of(imageId), Clock.systemUTC()));
    }

    /** The simulated zones themselves, for a {@link io.gantry.agent.sim.SimulatedZoneMover}. */
    SimulatedZoneBackend simulated() {
        return (SimulatedZoneBackend) inner;
    }

    int creates(UUID zone) {
        AtomicInteger n = creates.get(zone);
        return n == null ? 0 : n.get();
    }

    int deletes(UUID zone) {
        AtomicInteger n = deletes.get(zone);
        return n == null ? 0 : n.get();
    }

    @Override
    public Zone create(ZoneSpec spec) {
        creates.computeIfAbsent(spec.uuid(), k -> new AtomicInteger()).incrementAndGet();
        return inner.create(spec);
    }

    @Override
    public void delete(UUID uuid) {
        deletes.computeIfAbsent(uuid, k -> new AtomicInteger()).incrementAndGet();
        inner.delete(uuid);
    }
}
