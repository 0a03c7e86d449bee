package io.gantry.agent.usage;

import io.gantry.agent.ExecResult;
import io.gantry.agent.ZoneBackend;
import io.gantry.agent.ZoneCounters;
import io.gantry.agent.ZoneRun;
import io.gantry.common.ResourceUpdate;
import io.gantry.common.Zone;
import io.gantry.common.ZoneSpec;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * A zone backend whose lifecycle calls are metered: right before a stop, reboot, delete or update it
 * takes a sample of the zone, so the usage since the last tick (the tail of a run whose counters
 * are about to vanish with its cgroup and veth) is recorded; after a delete it makes the zone's
 * final record ({@code last = true}). Everything else passes straight through. Use it in place of
 * the backend it wraps for every call that changes zones.
 */
public final class MeteredZoneBackend implements ZoneBackend {
    private final ZoneBackend inner;
    private final UsageSampler sampler;

    public MeteredZoneBackend(ZoneBackend inner, UsageSampler sampler) {
        this.inner = inner;
        this.sampler = sampler;
    }

    /** The backend this one meters. */
    public ZoneBackend inner() {
        return inner;
    }

    @Override
    public String name() {
        return inner.name();
    }

    @Override
    public Zone create(ZoneSpec spec) {
        return inner.create(spec);
    }

    @Override
    public Zone start(UUID uuid) {
        return inner.start(uuid);
    }

    @Override
    public Zone stop(UUID uuid, Duration grace) {
        sampler.sampleZone(uuid);
        return inner.stop(uuid, grace);
    }

    @Override
    public Zone reboot(UUID uuid, Duration grace) {
        sampler.sampleZone(uuid);
        return inner.reboot(uuid, grace);
    }

    @Override
    public void delete(UUID uuid) {
        sampler.sampleZone(uuid);
        inner.delete(uuid);
        sampler.endZone(uuid);
    }

    @Override
    public Zone update(UUID uuid, ResourceUpdate update) {
        sampler.sampleZone(uuid);
        return inner.update(uuid, update);
    }

    @Override
    public List<Zone> list() {
        return inner.list();
    }

    @Override
    public Optional<Zone> find(UUID uuid) {
        return inner.find(uuid);
    }

    @Override
    public ExecResult exec(UUID uuid, List<String> command, Duration timeout) {
        return inner.exec(uuid, command, timeout);
    }

    @Override
    public ZoneCounters counters(UUID uuid) {
        return inner.counters(uuid);
    }

    @Override
    public Optional<ZoneRun> currentRun(UUID uuid) {
        return inner.currentRun(uuid);
    }

    /** Leaves the wrapped backend open: whoever opened it closes it. */
    @Override
    public void close() {
    }
}
