package io.gantry.agent;

import io.gantry.common.ResourceUpdate;
import io.gantry.common.Zone;
import io.gantry.common.ZoneSpec;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * A backend that passes every call to another one; subclasses override the calls they add to. It
 * does not close the backend it wraps: whoever opened that closes it.
 */
public abstract class ForwardingZoneBackend implements ZoneBackend {
    protected final ZoneBackend inner;

    protected ForwardingZoneBackend(ZoneBackend inner) {
        this.inner = inner;
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
        return inner.stop(uuid, grace);
    }

    @Override
    public Zone reboot(UUID uuid, Duration grace) {
        return inner.reboot(uuid, grace);
    }

    @Override
    public void delete(UUID uuid) {
        inner.delete(uuid);
    }

    @Override
    public Zone update(UUID uuid, ResourceUpdate update) {
        return inner.update(uuid, update);
    }

    @Override
    public Zone updateNics(ZoneSpec spec) {
        return inner.updateNics(spec);
    }

    @Override
    public long createSnapshot(UUID uuid, String name) {
        return inner.createSnapshot(uuid, name);
    }

    @Override
    public void deleteSnapshot(UUID uuid, String name) {
        inner.deleteSnapshot(uuid, name);
    }

    @Override
    public Zone startFromSnapshot(UUID uuid, String name, Duration grace) {
        return inner.startFromSnapshot(uuid, name, grace);
    }

    @Override
    public void exportRoot(UUID uuid, java.nio.file.Path tarball) {
        inner.exportRoot(uuid, tarball);
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
}
