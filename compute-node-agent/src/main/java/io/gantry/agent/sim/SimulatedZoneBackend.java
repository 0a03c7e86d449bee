package io.gantry.agent.sim;

import io.gantry.agent.ExecResult;
import io.gantry.agent.ZoneBackend;
import io.gantry.agent.ZoneCounters;
import io.gantry.agent.ZoneRun;
import io.gantry.common.GantryException;
import io.gantry.common.Package;
import io.gantry.common.ResourceUpdate;
import io.gantry.common.Zone;
import io.gantry.common.ZoneAction;
import io.gantry.common.ZoneSpec;
import io.gantry.common.ZoneState;
import io.gantry.common.net.Nic;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * SIMULATED zones: kept in memory, nothing is isolated and nothing runs. For unit tests and scale
 * simulation only; it follows the same state machine as the runc backend, its zones' addresses are their NICs', and its
 * counters are synthetic (CPU grows with time at the package's cap). It never stands in for runc
 * where isolation or caps are claimed.
 */
public final class SimulatedZoneBackend implements ZoneBackend {
    private final Map<UUID, Zone> zones = new ConcurrentHashMap<>();
    private final Map<UUID, Long> startedAtNanos = new ConcurrentHashMap<>();
    private final Map<UUID, Long> startedAtMillis = new ConcurrentHashMap<>();
    /** Each zone's snapshots by name: names only, as there are no files to copy (each takes 0 bytes). */
    private final Map<UUID, Set<String>> snapshots = new ConcurrentHashMap<>();
    private final Set<String> images;
    private final Clock clock;

    public SimulatedZoneBackend(Set<String> imageIds, Clock clock) {
        this.images = Set.copyOf(imageIds);
        this.clock = clock;
    }

    @Override
    public String name() {
        return "simulated";
    }

    @Override
    public synchronized Zone create(ZoneSpec spec) {
        Zone existing = zones.get(spec.uuid());
        if (existing != null) {
            if (!existing.spec().equals(spec)) {
                throw GantryException.invalid("zone " + spec.uuid() + " already exists with a different alias, tenant, image or package");
            }
            return existing;
        }
        if (!images.contains(spec.imageId())) {
            throw GantryException.notFound("image " + spec.imageId() + " is not on this node");
        }
        Zone zone = Zone.provisioning(spec, addressOf(spec), clock.instant())
                .moveTo(ZoneState.RUNNING, clock.instant());
        zones.put(spec.uuid(), zone);
        started(spec.uuid());
        return zone;
    }

    /** SIMULATED: a zone that arrives from another node, stopped, with the NICs of its spec. The same zone again is answered as it is. */
    public synchronized Zone adopt(ZoneSpec spec) {
        Zone existing = zones.get(spec.uuid());
        if (existing != null) {
            if (!existing.spec().equals(spec)) {
                throw GantryException.invalid("zone " + spec.uuid() + " already exists with a different alias, tenant, image or package");
            }
            return existing;
        }
        if (!images.contains(spec.imageId())) {
            throw GantryException.notFound("image " + spec.imageId() + " is not on this node");
        }
        return put(Zone.provisioning(spec, addressOf(spec), clock.instant()).moveTo(ZoneState.STOPPED, clock.instant()));
    }

    /** SIMULATED: the NICs are recorded in the zone's spec; no interface is made. */
    @Override
    public synchronized Zone updateNics(ZoneSpec spec) {
        Zone zone = get(spec.uuid());
        ZoneAction.UPDATE.check(zone);
        if (!new ZoneSpec(spec.uuid(), spec.alias(), spec.tenant(), spec.imageId(), spec.pkg(), zone.spec().nics(),
                zone.spec().firewallEnabled()).equals(zone.spec())) {
            throw GantryException.invalid("an UPDATE_NICS task for zone " + spec.uuid()
                    + " may change only its NICs and firewall switch, not its alias, tenant, image or package");
        }
        return put(new Zone(spec, zone.state(), addressOf(spec), zone.createdAt(), clock.instant(), zone.reason()));
    }

    private static String addressOf(ZoneSpec spec) {
        return spec.nics().stream().filter(Nic::primary).findFirst().or(() -> spec.nics().stream().findFirst())
                .map(Nic::ip).orElse(null);
    }

    @Override
    public synchronized Zone start(UUID uuid) {
        Zone zone = get(uuid);
        ZoneAction.START.check(zone);
        if (!startedAtNanos.containsKey(uuid)) {
            started(uuid);
        }
        return put(zone.moveTo(ZoneState.RUNNING, clock.instant()));
    }

    @Override
    public synchronized Zone stop(UUID uuid, Duration grace) {
        Zone zone = get(uuid);
        ZoneAction.STOP.check(zone);
        startedAtNanos.remove(uuid);
        startedAtMillis.remove(uuid);
        if (zone.state() == ZoneState.STOPPED) {
            return zone;
        }
        return put(zone.moveTo(ZoneState.STOPPING, clock.instant()).moveTo(ZoneState.STOPPED, clock.instant()));
    }

    @Override
    public synchronized Zone reboot(UUID uuid, Duration grace) {
        ZoneAction.REBOOT.check(get(uuid));
        stop(uuid, grace);
        return start(uuid);
    }

    /** SIMULATED: the snapshot is a name in memory, taking no bytes; nothing is copied. */
    @Override
    public synchronized long createSnapshot(UUID uuid, String name) {
        ZoneAction.UPDATE.check(get(uuid));
        snapshots.computeIfAbsent(uuid, u -> new HashSet<>()).add(name);
        return 0;
    }

    @Override
    public synchronized void deleteSnapshot(UUID uuid, String name) {
        ZoneAction.UPDATE.check(get(uuid));
        snapshots.getOrDefault(uuid, new HashSet<>()).remove(name);
    }

    /** SIMULATED: stops and starts the zone; there is no disk to roll back. */
    @Override
    public synchronized Zone startFromSnapshot(UUID uuid, String name, Duration grace) {
        ZoneAction.UPDATE.check(get(uuid));
        if (!snapshots.getOrDefault(uuid, Set.of()).contains(name)) {
            throw GantryException.notFound("zone " + uuid + " has no snapshot '" + name + "'");
        }
        stop(uuid, grace);
        return start(uuid);
    }

    @Override
    public synchronized void delete(UUID uuid) {
        ZoneAction.DELETE.check(get(uuid));
        snapshots.remove(uuid);
        zones.remove(uuid);
        startedAtNanos.remove(uuid);
        startedAtMillis.remove(uuid);
    }

    @Override
    public synchronized Zone update(UUID uuid, ResourceUpdate update) {
        Zone zone = get(uuid);
        ZoneAction.UPDATE.check(zone);
        Package wanted = zone.pkg().with(update);
        if (wanted.diskMiB() < zone.pkg().diskMiB()) {
            throw GantryException.invalid("a zone's disk cannot shrink");
        }
        if (wanted.diskMiB() != zone.pkg().diskMiB() && zone.state() != ZoneState.STOPPED) {
            throw GantryException.invalidState("zone " + uuid + " is " + zone.state() + ": its disk grows only while it is stopped");
        }
        return put(zone.withSpec(zone.spec().withPackage(wanted), clock.instant()));
    }

    @Override
    public List<Zone> list() {
        return new ArrayList<>(zones.values());
    }

    @Override
    public Optional<Zone> find(UUID uuid) {
        return Optional.ofNullable(zones.get(uuid));
    }

    @Override
    public ExecResult exec(UUID uuid, List<String> command, Duration timeout) {
        ZoneAction.EXEC.check(get(uuid));
        return new ExecResult(0, "(simulated zone: nothing was run)\n", "");
    }

    @Override
    public ZoneCounters counters(UUID uuid) {
        Zone zone = get(uuid);
        Long since = startedAtNanos.get(uuid);
        long elapsed = since == null ? 0 : System.nanoTime() - since;
        long quota = zone.pkg().cpuQuotaMicros();
        long cpu = quota < 0 ? elapsed : elapsed * quota / Package.CPU_PERIOD_MICROS;
        return new ZoneCounters(cpu, 0, 0, zone.pkg().memoryBytes(), 0, since == null ? 0 : 1, zone.pkg().lwps(), 0, quota,
                0, 0, 0, zone.pkg().diskBytes());
    }

    /**
     * SIMULATED: a run is named by when the zone (re)started, and its synthetic counters start from
     * zero with it, as a real zone's do.
     */
    @Override
    public synchronized Optional<ZoneRun> currentRun(UUID uuid) {
        ZoneCounters counters = counters(uuid);
        Long since = startedAtNanos.get(uuid);
        if (since == null) {
            return Optional.empty();
        }
        return Optional.of(new ZoneRun("sim-" + since, startedAtMillis.getOrDefault(uuid, -1L), counters));
    }

    private void started(UUID uuid) {
        startedAtNanos.put(uuid, System.nanoTime());
        startedAtMillis.put(uuid, clock.millis());
    }

    private Zone put(Zone zone) {
        zones.put(zone.uuid(), zone);
        return zone;
    }
}
