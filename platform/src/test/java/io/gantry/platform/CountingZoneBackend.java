package io.gantry.platform;

import io.gantry.agent.ExecResult;
import io.gantry.agent.ZoneBackend;
import io.gantry.agent.ZoneCounters;
import io.gantry.agent.sim.SimulatedZoneBackend;
import io.gantry.common.ResourceUpdate;
import io.gantry.common.Zone;
import io.gantry.common.ZoneSpec;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A SIMULATED zone backend ({@link SimulatedZoneBackend}: in memory, nothing isolated, nothing
 * runs) that counts how often each zone was asked to be created and deleted, so tests can prove a
 * task was done once. For coordination tests only.
 */
final class CountingZoneBackend implements ZoneBackend {
    private final SimulatedZoneBackend zones;
    private final Map<UUID, AtomicInteger> creates = new ConcurrentHashMap<>();
    private final Map<UUID, AtomicInteger> deletes = new ConcurrentHashMap<>();

    CountingZoneBackend(String imageId) {
        this.zones = new SimulatedZoneBackend(Set.of(imageId), Clock.systemUTC());
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
    public String name() {
        return zones.name();
    }

    @Override
    public Zone create(ZoneSpec spec) {
        creates.computeIfAbsent(spec.uuid(), k -> new AtomicInteger()).incrementAndGet();
        return zones.create(spec);
    }

    @Override
    public Zone start(UUID uuid) {
        return zones.start(uuid);
    }

    @Override
    public Zone stop(UUID uuid, Duration grace) {
        return zones.stop(uuid, grace);
    }

    @Override
    public Zone reboot(UUID uuid, Duration grace) {
        return zones.reboot(uuid, grace);
    }

    @Override
    public void delete(UUID uuid) {
        deletes.computeIfAbsent(uuid, k -> new AtomicInteger()).incrementAndGet();
        zones.delete(uuid);
    }

    @Override
    public Zone update(UUID uuid, ResourceUpdate update) {
        return zones.update(uuid, update);
    }

    @Override
    public List<Zone> list() {
        return zones.list();
    }

    @Override
    public Optional<Zone> find(UUID uuid) {
        return zones.find(uuid);
    }

    @Override
    public ExecResult exec(UUID uuid, List<String> command, Duration timeout) {
        return zones.exec(uuid, command, timeout);
    }

    @Override
    public ZoneCounters counters(UUID uuid) {
        return zones.counters(uuid);
    }
}
