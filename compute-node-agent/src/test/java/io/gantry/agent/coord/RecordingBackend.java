package io.gantry.agent.coord;

import io.gantry.agent.ForwardingZoneBackend;
import io.gantry.agent.ZoneBackend;
import io.gantry.common.ResourceUpdate;
import io.gantry.common.Zone;
import io.gantry.common.ZoneSpec;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/** Passes every call to another backend and remembers the changing ones ("create uuid", ...) and their threads. */
class RecordingBackend extends ForwardingZoneBackend {
    record Call(String what, UUID zone, String thread) {
    }

    final List<Call> calls = new CopyOnWriteArrayList<>();

    RecordingBackend(ZoneBackend inner) {
        super(inner);
    }

    long count(String what, UUID zone) {
        return calls.stream().filter(c -> c.what().equals(what) && c.zone().equals(zone)).count();
    }

    private void note(String what, UUID zone) {
        calls.add(new Call(what, zone, Thread.currentThread().getName()));
    }

    @Override
    public Zone create(ZoneSpec spec) {
        note("create", spec.uuid());
        return inner.create(spec);
    }

    @Override
    public Zone start(UUID uuid) {
        note("start", uuid);
        return inner.start(uuid);
    }

    @Override
    public Zone stop(UUID uuid, Duration grace) {
        note("stop", uuid);
        return inner.stop(uuid, grace);
    }

    @Override
    public Zone reboot(UUID uuid, Duration grace) {
        note("reboot", uuid);
        return inner.reboot(uuid, grace);
    }

    @Override
    public void delete(UUID uuid) {
        note("delete", uuid);
        inner.delete(uuid);
    }

    @Override
    public Zone update(UUID uuid, ResourceUpdate update) {
        note("update", uuid);
        return inner.update(uuid, update);
    }
}
