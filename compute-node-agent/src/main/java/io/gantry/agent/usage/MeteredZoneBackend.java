package io.gantry.agent.usage;

import io.gantry.agent.ForwardingZoneBackend;
import io.gantry.agent.ZoneBackend;
import io.gantry.common.ResourceUpdate;
import io.gantry.common.Zone;
import io.gantry.common.ZoneSpec;
import java.time.Duration;
import java.util.UUID;

/**
 * A zone backend whose lifecycle calls are metered: right before a stop, reboot, delete or update it
 * takes a sample of the zone, so the usage since the last tick (the tail of a run whose counters
 * are about to vanish with its cgroup and veth) is recorded; after a delete it makes the zone's
 * final record ({@code last = true}). It also tells the sampler of every zone made, started or
 * changed, and of every delete, so the sampler need not list the zones every tick (see
 * {@link UsageSampler}). Everything else passes straight through. Use it in place of the backend it
 * wraps for every call that changes zones.
 */
public final class MeteredZoneBackend extends ForwardingZoneBackend {
    private final UsageSampler sampler;

    public MeteredZoneBackend(ZoneBackend inner, UsageSampler sampler) {
        super(inner);
        this.sampler = sampler;
    }

    @Override
    public Zone create(ZoneSpec spec) {
        return changed(inner.create(spec));
    }

    @Override
    public Zone start(UUID uuid) {
        return changed(inner.start(uuid));
    }

    @Override
    public Zone stop(UUID uuid, Duration grace) {
        sampler.sampleZone(uuid);
        return changed(inner.stop(uuid, grace));
    }

    @Override
    public Zone reboot(UUID uuid, Duration grace) {
        sampler.sampleZone(uuid);
        return changed(inner.reboot(uuid, grace));
    }

    @Override
    public void delete(UUID uuid) {
        sampler.sampleBeforeDelete(uuid);
        boolean deleted = false;
        try {
            inner.delete(uuid);
            deleted = true;
        } finally {
            sampler.deleteDone(uuid, deleted);
        }
    }

    @Override
    public Zone update(UUID uuid, ResourceUpdate update) {
        sampler.sampleZone(uuid);
        return changed(inner.update(uuid, update));
    }

    @Override
    public Zone updateNics(ZoneSpec spec) {
        return changed(inner.updateNics(spec));
    }

    @Override
    public Zone startFromSnapshot(UUID uuid, String name, Duration grace) {
        return changed(inner.startFromSnapshot(uuid, name, grace));
    }

    private Zone changed(Zone zone) {
        sampler.zoneChanged(zone);
        return zone;
    }
}
