package io.gantry.agent.runc;

import io.gantry.agent.AgentConfig;
import io.gantry.agent.ExecResult;
import io.gantry.agent.ZoneBackend;
import io.gantry.agent.ZoneCounters;
import io.gantry.agent.ZoneRun;
import io.gantry.agent.cgroup.CgroupStats;
import io.gantry.agent.cgroup.Cgroups;
import io.gantry.agent.host.DurableFiles;
import io.gantry.agent.host.HostLimits;
import io.gantry.agent.host.Trace;
import io.gantry.agent.host.Trees;
import io.gantry.agent.image.ImageFetcher;
import io.gantry.agent.image.ImageStore;
import io.gantry.agent.net.NodeNetwork;
import io.gantry.common.GantryException;
import io.gantry.common.Json;
import io.gantry.common.Package;
import io.gantry.common.ResourceUpdate;
import io.gantry.common.Zone;
import io.gantry.common.ZoneAction;
import io.gantry.common.ZoneSpec;
import io.gantry.common.ZoneState;
import io.gantry.common.limits.PackageBounds;
import io.gantry.common.net.Nic;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Real zones: a loop disk with an overlay root, a network namespace on the tenant's bridge, cgroup
 * caps from the package, all run by runc (see zones-on-linux.md for every mechanism and its cost).
 *
 * <p>The node is the truth for what it runs: {@link #recover()} adopts zones that still run,
 * marks those whose init died as stopped, and removes half-made zones a crash left behind.
 */
public final class RuncZoneBackend implements ZoneBackend {
    private static final Logger LOG = LoggerFactory.getLogger(RuncZoneBackend.class);

    /** Told each step of a create as it completes; tests use it to crash the process between steps. */
    @FunctionalInterface
    public interface CreateObserver {
        CreateObserver NONE = step -> { };

        void reached(String step);
    }

    /** What {@link #recover()} found. */
    public record Recovery(List<UUID> adopted, List<UUID> foundStopped, List<UUID> cleanedUp) {
    }

    private final AgentConfig config;
    private final RuncMountNamespace runcNamespace;
    private final Runc runc;
    private final ImageStore images;
    private final ZoneStore store;
    private final NodeNetwork network;
    private final Cgroups cgroups;
    private final StateLock lock;
    private final CreateObserver observer;
    private final RuncStateCache runcStates;
    private final ZoneRunProbes runProbes;
    private final Clock clock = Clock.systemUTC();
    private final Path mdataTool;
    private final Path zoneInit;
    private final DiskTool diskTool;
    private final DiskTemplates diskTemplates;
    /** Wires a zone's network while the calling thread makes its disk. */
    private final ExecutorService wirer = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "zone-wiring");
        t.setDaemon(true);
        return t;
    });
    private volatile ZoneHooks hooks = ZoneHooks.NONE;
    private volatile ImageFetcher fetcher = ImageFetcher.NONE;

    private RuncZoneBackend(AgentConfig config, CreateObserver observer) {
        this.config = config;
        this.runcNamespace = RuncMountNamespace.install(config.stateDir());
        this.runc = new Runc(config.runcBinary(), config.runcRoot(), runcNamespace);
        this.images = new ImageStore(config.imagesDir());
        this.store = new ZoneStore(config.stateDir(), config.node());
        this.network = new NodeNetwork(config.node(), config.underlay());
        this.cgroups = Cgroups.detect();
        this.lock = new StateLock(config.stateDir());
        this.observer = observer;
        this.runcStates = new RuncStateCache(config.runcRoot());
        boolean v2 = cgroups.version().equals("v2");
        this.runProbes = new ZoneRunProbes(runcStates,
                layout -> ZoneRunProbe.CgroupFiles.of(Path.of("/sys/fs/cgroup"), v2, layout.cgroupsPath()), Path.of("/proc"));
        this.mdataTool = MdataTool.install(config.stateDir());
        this.zoneInit = ZoneInit.install(config.stateDir());
        this.diskTool = DiskTool.install(config.stateDir());
        this.diskTemplates = new DiskTemplates(config.stateDir().resolve("disk-templates"), diskTool);
    }

    /** Who hears of zones starting, changing and going (the metadata service); {@link ZoneHooks#NONE} by default. */
    public void hooks(ZoneHooks newHooks) {
        this.hooks = newHooks == null ? ZoneHooks.NONE : newHooks;
    }

    /** Opens the backend and reconciles it with what the host really runs. */
    public static RuncZoneBackend open(AgentConfig config) {
        return open(config, CreateObserver.NONE);
    }

    public static RuncZoneBackend open(AgentConfig config, CreateObserver observer) {
        RuncZoneBackend backend = new RuncZoneBackend(config, observer);
        Recovery r = backend.recover();
        if (!r.cleanedUp().isEmpty() || !r.foundStopped().isEmpty()) {
            LOG.info("node {}: adopted {} running zones, found {} stopped, cleaned up {} half-made",
                    config.node(), r.adopted().size(), r.foundStopped().size(), r.cleanedUp().size());
        }
        return backend;
    }

    @Override
    public String name() {
        return "runc";
    }

    /** Lets go of the files metering keeps open (see {@link #currentRun}); the zones run on. */
    @Override
    public void close() {
        runProbes.close();
        runcNamespace.close();
    }

    public ImageStore images() {
        return images;
    }

    /** From now on an image a zone needs and the node lacks is fetched by {@code imageFetcher} first (NONE: never). */
    public void fetchImagesWith(ImageFetcher imageFetcher) {
        this.fetcher = imageFetcher;
    }

    public NodeNetwork network() {
        return network;
    }

    DiskTool diskTool() {
        return diskTool;
    }

    RuncMountNamespace runcNamespace() {
        return runcNamespace;
    }

    public AgentConfig config() {
        return config;
    }

    public ZoneLayout layout(UUID uuid) {
        return store.layout(uuid);
    }

    public Recovery recover() {
        try (var held = lock.acquire()) {
            network.ensure();
            List<UUID> adopted = new ArrayList<>();
            List<UUID> stopped = new ArrayList<>();
            List<UUID> cleaned = new ArrayList<>();
            Map<String, Runc.State> containers = runc.list();
            Set<String> known = new HashSet<>();
            for (UUID uuid : store.zoneDirs()) {
                ZoneLayout layout = store.layout(uuid);
                Optional<Zone> recorded;
                try {
                    recorded = store.find(uuid);
                } catch (GantryException unreadable) {
                    // e.g. a failed zone recorded before sizes were checked, with a package out of its range
                    Runc.State container = containers.get(layout.containerId());
                    if (container != null && container.running()) {
                        LOG.warn("zone {} runs but its record cannot be read ({}): leaving it alone", uuid, unreadable.getMessage());
                        known.add(layout.containerId());
                        continue;
                    }
                    LOG.warn("zone {} does not run and its record cannot be read ({}): removing it", uuid, unreadable.getMessage());
                    removeEverything(layout, List.of());
                    cleaned.add(uuid);
                    continue;
                }
                if (Files.exists(layout.guard()) || recorded.isEmpty()) {
                    LOG.warn("zone {} was left half-made or half-removed (the agent stopped during its creation or removal): removing it", uuid);
                    removeEverything(layout, recorded.map(z -> z.spec().nics()).orElse(List.of()));
                    cleaned.add(uuid);
                    continue;
                }
                known.add(layout.containerId());
                Zone zone = recorded.get();
                Runc.State container = containers.get(layout.containerId());
                if (container != null && "paused".equals(container.status())) {
                    // frozen for a snapshot when the agent stopped: the copy was cut short (its partial goes at the next mount)
                    LOG.warn("zone {} was left paused (a snapshot interrupted): resuming it", uuid);
                    runc.resume(layout.containerId());
                    container = new Runc.State("running", container.pid());
                }
                boolean running = container != null && container.running();
                if (network.takeOverEarlierNamespace(layout)) {
                    LOG.info("zone {}: its network namespace {} is named {} now", uuid, layout.earlierNetns(), layout.netns());
                }
                if (running || NodeNetwork.netnsExists(layout.netns())) {
                    rewire(layout, zone);
                }
                if (running) {
                    if (zone.state() != ZoneState.RUNNING) {
                        store.save(zone.moveTo(ZoneState.RUNNING, clock.instant()));
                    }
                    adopted.add(uuid);
                } else if (zone.state() == ZoneState.RUNNING || zone.state() == ZoneState.STOPPING) {
                    recordDiedInit(layout, zone);
                    stopped.add(uuid);
                }
            }
            removeUnowned(containers.keySet(), known);
            return new Recovery(adopted, stopped, cleaned);
        }
    }

    /**
     * The agent's periodic check ({@link io.gantry.agent.ZoneAgent}, every interval): what {@link #recover} does at
     * start-up for zones that ran or stopped meanwhile, from files alone (runc's state files, the namespaces' pins), so
     * an idle node starts no process however many zones it holds. A zone whose init exited is recorded stopped and its
     * container deleted; a zone whose init runs is recorded running; a container under runc's root that no zone owns
     * is removed. When a namespace a running zone's NICs hang on is gone (the node's, a fabric network's), every
     * running zone is wired again, as at start-up. Half-made and paused zones are start-up's: only an agent that
     * stopped during a create or a snapshot leaves them, and this one holds the node's lock while it does either.
     */
    public Recovery reconcile() {
        try (var held = lock.acquire()) {
            Map<ZoneLayout, Zone> running = new LinkedHashMap<>();
            List<UUID> stopped = new ArrayList<>();
            Set<String> known = new HashSet<>();
            boolean wiringGone = false;
            for (UUID uuid : store.zoneDirs()) {
                ZoneLayout layout = store.layout(uuid);
                known.add(layout.containerId());
                Optional<Zone> recorded;
                try {
                    recorded = Files.exists(layout.guard()) ? Optional.empty() : store.find(uuid);
                } catch (GantryException unreadable) {
                    continue; // start-up's to sort out, as a half-made zone
                }
                if (recorded.isEmpty()) {
                    continue;
                }
                Zone zone = recorded.get();
                if (runningInit(layout).isPresent()) {
                    if (zone.state() != ZoneState.RUNNING) {
                        zone = save(zone.moveTo(ZoneState.RUNNING, clock.instant()));
                    }
                    running.put(layout, zone);
                    wiringGone |= !network.namespacesPresentFor(zone.spec());
                } else if (zone.state() == ZoneState.RUNNING || zone.state() == ZoneState.STOPPING) {
                    recordDiedInit(layout, zone);
                    stopped.add(uuid);
                }
            }
            if (wiringGone) {
                LOG.warn("node {}: a network namespace its zones hang on is gone: wiring the {} running zones again", config.node(),
                        running.size());
                network.ensure();
                running.forEach(this::rewire);
            }
            removeUnowned(runcContainers(), known);
            return new Recovery(running.values().stream().map(Zone::uuid).toList(), stopped, List.of());
        }
    }

    /** A zone whose init exited: its container goes and the zone is recorded stopped (recover and reconcile alike). */
    private void recordDiedInit(ZoneLayout layout, Zone zone) {
        runc.delete(layout.containerId());
        runcStates.forget(layout.containerId());
        store.save(zone.moveTo(ZoneState.STOPPED, clock.instant()));
    }

    /** Removes the containers of {@code containers} that no zone of this node owns ({@code owned}). */
    private void removeUnowned(Iterable<String> containers, Set<String> owned) {
        for (String orphan : containers) {
            if (!owned.contains(orphan)) {
                LOG.warn("runc holds {} which this agent has no record of: removing it", orphan);
                runc.delete(orphan);
                runcStates.forget(orphan);
            }
        }
    }

    /** The containers under runc's root (each a directory named by its id, with runc's state file), read without starting runc. */
    private List<String> runcContainers() {
        if (!Files.isDirectory(config.runcRoot())) {
            return List.of();
        }
        try (var dirs = Files.list(config.runcRoot())) {
            return dirs.filter(d -> Files.exists(d.resolve("state.json"))).map(d -> d.getFileName().toString()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + config.runcRoot(), e);
        }
    }

    @Override
    public Zone create(ZoneSpec spec) {
        fetcher.ensure(spec.imageId()); // outside the lock: a long download does not hold up the node's other zones
        try (var held = lock.acquire()) {
            ZoneLayout layout = store.layout(spec.uuid());
            Optional<Zone> existing = store.find(spec.uuid());
            if (existing.isPresent() && !Files.exists(layout.guard())) {
                if (!existing.get().spec().equals(spec)) {
                    throw GantryException.invalid("zone " + spec.uuid() + " already exists with a different alias, tenant, image or package");
                }
                return existing.get();
            }
            requireFits(spec.pkg(), 0); // before anything is made: a refusal leaves no record, disk or cgroup
            if (Files.exists(layout.dir())) {
                removeEverything(layout, existing.map(z -> z.spec().nics()).orElse(List.of()));
            } else if (Files.exists(RuncStateFile.path(config.runcRoot(), layout.containerId()))) {
                // a container by the zone's id but no zone: the `runc run` of an agent killed during this very
                // create, which outlived it and finished after recover() had looked; `runc run` would refuse the id
                LOG.warn("zone {}: removing a container an earlier agent left under its id", spec.uuid());
                runc.delete(layout.containerId());
                runcStates.forget(layout.containerId());
            }
            images.findById(spec.imageId()).orElseThrow(() ->
                    GantryException.notFound("image " + spec.imageId() + " is not on this node; see 'gantry image list'"));

            writeGuard(layout);
            observer.reached("guard");
            Zone zone = Zone.provisioning(spec, addressOf(spec), clock.instant());
            store.save(zone);
            observer.reached("record");
            try {
                bringUp(layout, zone, observer, true);
                zone = zone.moveTo(ZoneState.RUNNING, clock.instant());
                store.save(zone);
                Files.delete(layout.guard());
                observer.reached("done");
                return zone;
            } catch (RuntimeException | IOException e) {
                String why = e.getMessage();
                LOG.error("zone {} failed to provision: {}", spec.uuid(), why);
                releaseResources(layout, spec.nics(), false);
                zone = zone.failed(why, clock.instant());
                store.save(zone);
                deleteGuard(layout);
                return zone;
            }
        }
    }

    @Override
    public Zone start(UUID uuid) {
        try (var held = lock.acquire()) {
            Zone zone = get(uuid);
            ZoneAction.START.check(zone);
            ZoneLayout layout = store.layout(uuid);
            if (zone.state() == ZoneState.RUNNING && isRunning(layout)) {
                return zone;
            }
            runc.delete(layout.containerId()); // the stopped container of an earlier run, if any
            bringUp(layout, zone, CreateObserver.NONE, false);
            return save(zone.moveTo(ZoneState.RUNNING, clock.instant()));
        }
    }

    @Override
    public Zone stop(UUID uuid, Duration grace) {
        try (var held = lock.acquire()) {
            Zone zone = get(uuid);
            ZoneAction.STOP.check(zone);
            if (zone.state() == ZoneState.STOPPED) {
                return zone;
            }
            ZoneLayout layout = store.layout(uuid);
            zone = zone.moveTo(ZoneState.STOPPING, clock.instant());
            store.saveTransient(zone); // no fsync: recover() finds a RUNNING zone whose init is gone as it finds a STOPPING one
            String id = layout.containerId();
            if (!runc.stop(id, grace)) {
                LOG.info("zone {} did not stop within {} s of SIGTERM: it was sent SIGKILL", uuid, grace.toSeconds());
            }
            runc.delete(id);
            long t = System.nanoTime();
            Zone stopped = save(zone.moveTo(ZoneState.STOPPED, clock.instant()));
            Trace.step("stop:record", t);
            return stopped;
        }
    }

    /**
     * Tars the stopped zone's root ({@link ZoneRootExport}). The check and the mount are under the node's lock; the tar
     * is not, so a long export holds up no other zone: the provisioner runs one job of a machine at a time, so nothing
     * starts this zone meanwhile.
     */
    @Override
    public void exportRoot(UUID uuid, Path tarball) {
        ZoneLayout layout;
        try (var held = lock.acquire()) {
            Zone zone = get(uuid);
            layout = store.layout(uuid);
            if (zone.state() != ZoneState.STOPPED || isRunning(layout)) {
                throw GantryException.invalidState("zone " + uuid + " is " + zone.state().wireName()
                        + "; only a stopped zone's root is made an image");
            }
            ZoneDisk.mount(layout, images.rootfs(zone.spec().imageId()), diskTool); // a stopped zone keeps it mounted; after an evacuation's export it may not be
        }
        ZoneRootExport.write(layout.rootfs(), tarball);
    }

    @Override
    public Zone reboot(UUID uuid, Duration grace) {
        try (var held = lock.acquire()) {
            ZoneAction.REBOOT.check(get(uuid));
            stop(uuid, grace);
            return start(uuid);
        }
    }

    @Override
    public void delete(UUID uuid) {
        try (var held = lock.acquire()) {
            Zone zone = get(uuid);
            ZoneAction.DELETE.check(zone);
            removeEverything(store.layout(uuid), zone.spec().nics());
        }
    }

    @Override
    public Zone updateNics(ZoneSpec spec) {
        try (var held = lock.acquire()) {
            Zone zone = get(spec.uuid());
            ZoneAction.UPDATE.check(zone);
            ZoneSpec current = zone.spec();
            // the alias may differ: a rename reaches the node through the machine's metadata, maybe before this task
            if (!new ZoneSpec(spec.uuid(), current.alias(), spec.tenant(), spec.imageId(), spec.pkg(), current.nics(),
                    current.firewallEnabled()).equals(current)) {
                throw GantryException.invalid("an UPDATE_NICS task for zone " + spec.uuid()
                        + " may change only its NICs, firewall switch and alias, not its tenant, image or package");
            }
            ZoneLayout layout = store.layout(spec.uuid());
            if (NodeNetwork.netnsExists(layout.netns())) {
                network.updateNics(layout, current.nics(), spec.nics());
            }
            if (!spec.alias().equals(current.alias())) {
                setHostname(layout, spec.alias());
            }
            Zone updated = save(new Zone(spec, zone.state(), addressOf(spec), zone.createdAt(), clock.instant(), zone.reason()));
            hooks.respecified(spec);
            return updated;
        }
    }

    /**
     * A renamed machine: records the alias in the zone's spec, so its next boot has it as hostname, and sets the
     * hostname of the running zone at once (in its UTS namespace). The same alias again changes nothing.
     */
    public Zone rename(UUID uuid, String alias) {
        try (var held = lock.acquire()) {
            Zone zone = get(uuid);
            if (zone.spec().alias().equals(alias)) {
                return zone;
            }
            ZoneSpec spec = new ZoneSpec(uuid, alias, zone.spec().tenant(), zone.spec().imageId(), zone.spec().pkg(),
                    zone.spec().nics(), zone.spec().firewallEnabled());
            ZoneLayout layout = store.layout(uuid);
            Zone renamed = save(zone.withSpec(spec, clock.instant()));
            if (Files.exists(layout.config())) {
                writeConfig(layout, spec);
            }
            setHostname(layout, alias);
            hooks.respecified(spec);
            return renamed;
        }
    }

    /** Sets the running zone's hostname; nothing when it does not run (its next start takes the spec's alias). */
    private void setHostname(ZoneLayout layout, String hostname) {
        runningInit(layout).ifPresent(init -> {
            var result = io.gantry.agent.host.Cmd.run("nsenter", "--uts", "--target", Long.toString(init.pid()), "hostname", hostname);
            if (result.exitCode() != 0) {
                LOG.warn("zone {}: cannot set its hostname to {}: {}", layout.uuid(), hostname, result.stderr().strip());
            }
        });
    }

    /** A running zone is paused for the copy (ZoneSnapshots): the snapshot is of one moment. */
    @Override
    public long createSnapshot(UUID uuid, String name) {
        try (var held = lock.acquire()) {
            Zone zone = get(uuid);
            ZoneAction.UPDATE.check(zone);
            ZoneLayout layout = mountedDisk(zone);
            String id = layout.containerId();
            boolean running = isRunning(layout);
            return ZoneSnapshots.create(layout, name, () -> {
                if (running) {
                    runc.pause(id);
                }
            }, () -> {
                if (running) {
                    runc.resume(id);
                }
            });
        }
    }

    @Override
    public void deleteSnapshot(UUID uuid, String name) {
        try (var held = lock.acquire()) {
            Zone zone = get(uuid);
            ZoneAction.UPDATE.check(zone);
            ZoneSnapshots.delete(mountedDisk(zone), name);
        }
    }

    /** Stops the zone, swaps its upper dir for a copy of the snapshot with the overlay unmounted, starts it (also when the swap failed). */
    @Override
    public Zone startFromSnapshot(UUID uuid, String name, Duration grace) {
        try (var held = lock.acquire()) {
            Zone zone = get(uuid);
            ZoneAction.UPDATE.check(zone);
            ZoneLayout layout = mountedDisk(zone);
            if (!ZoneSnapshots.names(layout).contains(name)) {
                throw GantryException.notFound("zone " + uuid + " has no snapshot '" + name + "'");
            }
            stop(uuid, grace);
            try {
                ZoneDisk.unmountOverlay(layout, diskTool);
                ZoneSnapshots.rollBack(layout, name);
            } finally {
                start(uuid);
            }
            return get(uuid);
        }
    }

    /** The zone's layout with its loop disk mounted (a stopped zone's may not be, after a restart of its node). */
    private ZoneLayout mountedDisk(Zone zone) {
        ZoneLayout layout = store.layout(zone.uuid());
        if (!io.gantry.agent.host.Mounts.isMountPoint(layout.diskMount())) {
            ZoneDisk.mount(layout, images.rootfs(zone.spec().imageId()), diskTool);
        }
        return layout;
    }

    /** The names of the zone's snapshots on its disk. */
    public List<String> snapshots(UUID uuid) {
        try (var held = lock.acquire()) {
            return ZoneSnapshots.names(mountedDisk(get(uuid)));
        }
    }

    @Override
    public Zone update(UUID uuid, ResourceUpdate update) {
        try (var held = lock.acquire()) {
            Zone zone = get(uuid);
            ZoneAction.UPDATE.check(zone);
            Package current = zone.pkg();
            Package wanted = current.with(update);
            ZoneLayout layout = store.layout(uuid);
            if (wanted.diskMiB() < current.diskMiB()) {
                throw GantryException.invalid("a zone's disk cannot shrink (from " + current.diskMiB() + " MiB to " + wanted.diskMiB() + " MiB)");
            }
            requireFits(wanted, current.diskMiB());
            if (wanted.diskMiB() != current.diskMiB()) {
                if (zone.state() != ZoneState.STOPPED) {
                    throw GantryException.invalidState("zone " + uuid + " is " + zone.state()
                            + ": its disk grows only while it is stopped (the kernel here cannot grow a mounted ext4)");
                }
                ZoneDisk.unmount(layout, diskTool);
                ZoneDisk.grow(layout, wanted.diskMiB());
            }
            if (zone.state() == ZoneState.RUNNING) {
                runc.update(layout.containerId(), wanted);
            }
            ZoneSpec spec = zone.spec().withPackage(wanted);
            writeConfig(layout, spec);
            return save(zone.withSpec(spec, clock.instant()));
        }
    }

    /**
     * Readies a stopped zone to leave this node: unmounts its disk, so the file is consistent, and takes down its
     * network namespace and veth, whose port name (from its MAC) the zone takes to its next node (a later start here
     * makes both again).
     * Answers the disk file. InvalidState unless the zone is stopped.
     */
    public Path exportDisk(UUID uuid) {
        try (var held = lock.acquire()) {
            Zone zone = get(uuid);
            if (zone.state() != ZoneState.STOPPED) {
                throw GantryException.invalidState("zone " + uuid + " is " + zone.state() + "; only a stopped zone's disk can leave its node");
            }
            ZoneLayout layout = store.layout(uuid);
            ZoneDisk.unmount(layout, diskTool);
            network.detach(layout, zone.spec().nics());
            if (!Files.isRegularFile(layout.diskImage())) {
                throw GantryException.internal("zone " + uuid + " has no disk file at " + layout.diskImage());
            }
            return layout.diskImage();
        }
    }

    /**
     * Builds a zone that arrives from another node, stopped: its spec (with the NICs it keeps) and its disk, the file {@code disk} (moved into the zone, so on this state directory's filesystem).
     * The zone is then as any stopped zone: disk mounted, network wired, config written. A zone already here with the
     * same spec is answered as it is (a task done twice). If a step fails, nothing of the zone is left and the
     * failure is thrown; the caller still holds {@code disk}.
     */
    public Zone adopt(ZoneSpec spec, Path disk) {
        fetcher.ensure(spec.imageId());
        try (var held = lock.acquire()) {
            ZoneLayout layout = store.layout(spec.uuid());
            Optional<Zone> existing = store.find(spec.uuid());
            if (existing.isPresent() && !Files.exists(layout.guard())) {
                if (!existing.get().spec().equals(spec)) {
                    throw GantryException.invalid("zone " + spec.uuid() + " already exists here with a different alias, tenant, image or package");
                }
                return existing.get();
            }
            requireFits(spec.pkg(), 0);
            images.findById(spec.imageId()).orElseThrow(() ->
                    GantryException.notFound("image " + spec.imageId() + " is not on node " + config.node() + "; import it there first"));
            if (Files.exists(layout.dir())) {
                removeEverything(layout, existing.map(z -> z.spec().nics()).orElse(List.of()));
            }
            writeGuard(layout);
            Zone zone = Zone.provisioning(spec, addressOf(spec), clock.instant());
            store.save(zone);
            try {
                Files.move(disk, layout.diskImage(), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                ZoneDisk.mount(layout, images.rootfs(spec.imageId()), diskTool);
                network.attach(layout, spec);
                writeConfig(layout, spec);
                zone = save(zone.moveTo(ZoneState.STOPPED, clock.instant()));
                Files.delete(layout.guard());
                return zone;
            } catch (RuntimeException | IOException e) {
                LOG.error("zone {} could not be built from its moved disk: {}", spec.uuid(), e.getMessage());
                removeEverything(layout, spec.nics());
                throw e instanceof GantryException g ? g
                        : GantryException.internal("zone " + spec.uuid() + " could not be built from its disk: " + e.getMessage());
            }
        }
    }

    @Override
    public List<Zone> list() {
        return store.all();
    }

    @Override
    public Optional<Zone> find(UUID uuid) {
        return store.find(uuid);
    }

    @Override
    public ExecResult exec(UUID uuid, List<String> command, Duration timeout) {
        ZoneAction.EXEC.check(get(uuid));
        return runc.exec(store.layout(uuid).containerId(), command, timeout);
    }

    /** Runs a command in the zone on the caller's own terminal; returns its exit code. */
    public int execInteractive(UUID uuid, List<String> command) {
        ZoneAction.EXEC.check(get(uuid));
        return runc.execInteractive(store.layout(uuid).containerId(), command);
    }

    @Override
    public ZoneCounters counters(UUID uuid) {
        get(uuid);
        ZoneLayout layout = store.layout(uuid);
        Optional<RuncStateFile.Init> init = runningInit(layout);
        long[] net = {0, 0};
        if (init.isPresent()) {
            try {
                net = readEth0(init.get().pid());
            } catch (IOException e) {
                // the zone stopped between the state check and the read
            }
        }
        return readCounters(layout, net);
    }

    /**
     * The zone's run and counters from files only, opened once per run and read again with one
     * positional read per file (see {@link ZoneRunProbes}): the cgroup's counters, the init's /proc
     * entries and a statvfs of the zone's disk. No process is started. Limits and lwps are not read (-1).
     */
    @Override
    public Optional<ZoneRun> currentRun(UUID uuid) {
        return runProbes.currentRun(store.layout(uuid));
    }

    /** The host PID of the zone's init, if it runs (read from runc's state file; no process is started). */
    public Optional<Long> initPid(UUID uuid) {
        return runningInit(store.layout(uuid)).map(RuncStateFile.Init::pid);
    }

    private Optional<RuncStateFile.Init> runningInit(ZoneLayout layout) {
        return runcStates.read(layout.containerId()).filter(RuncStateFile.Init::alive);
    }

    private ZoneCounters readCounters(ZoneLayout layout, long[] net) {
        CgroupStats cg = cgroups.read(layout.cgroupsPath());
        long used = 0;
        long total = 0;
        if (isMountPoint(layout.diskMount())) {
            File disk = layout.diskMount().toFile();
            total = disk.getTotalSpace(); // statvfs: no walk of the mount table
            used = total - disk.getFreeSpace();
        }
        return new ZoneCounters(cg.cpuNanos(), cg.memoryBytes(), cg.memoryPeakBytes(), cg.memoryLimitBytes(), cg.oomKills(),
                cg.pids(), cg.pidsLimit(), cg.forksRefused(), cg.cpuQuotaMicros(), net[0], net[1], used, total);
    }

    /** A directory is a mount point when it lives on another device than its parent (two stats, no mount table). */
    private static boolean isMountPoint(Path dir) {
        try {
            Object dev = Files.getAttribute(dir, "unix:dev");
            return !dev.equals(Files.getAttribute(dir.getParent(), "unix:dev"));
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    /** The cgroup directories of every zone of this node, in every hierarchy (empty once all zones are gone). */
    public List<Path> cgroupDirs() {
        return cgroups.existing("/gantry-" + config.node());
    }

    /** Deletes every zone and then the node's own network namespace and runc root: the node leaves no trace. */
    public void destroyNode() {
        try (var held = lock.acquire()) {
            for (UUID uuid : store.zoneDirs()) {
                removeEverything(store.layout(uuid), recordedNics(uuid));
            }
            network.destroy();
            runcNamespace.close();
            diskTemplates.removeAll();
            cgroups.removeIfEmpty("/gantry-" + config.node());
            try {
                Files.deleteIfExists(config.runcRoot().resolveSibling("mdata"));
                Files.deleteIfExists(config.runcRoot());
                Files.deleteIfExists(config.runcRoot().getParent());
            } catch (IOException e) {
                LOG.warn("cannot remove {}: {}", config.runcRoot(), e.getMessage());
            }
        }
    }

    /** Refuses (InvalidArgument, one line) a package this host cannot give, as it is now; {@code diskHeldMiB} is the zone's current disk. */
    private void requireFits(Package pkg, long diskHeldMiB) {
        PackageBounds.require(pkg, diskHeldMiB, HostLimits.read(config.stateDir(), config.overprovision()));
    }

    private Zone save(Zone zone) {
        store.save(zone);
        return zone;
    }

    /** The zone's address as the cluster knows it: its primary NIC's (else its first NIC's); null without NICs. */
    static String addressOf(ZoneSpec spec) {
        return spec.nics().stream().filter(Nic::primary).findFirst().or(() -> spec.nics().stream().findFirst())
                .map(Nic::ip).orElse(null);
    }

    private List<Nic> recordedNics(UUID uuid) {
        try {
            return store.find(uuid).map(z -> z.spec().nics()).orElse(List.of());
        } catch (GantryException unreadable) {
            return List.of();
        }
    }

    /** After a restart: the zone's networks and NICs made again where something is missing (its firewall stays). */
    private void rewire(ZoneLayout layout, Zone zone) {
        try {
            network.attach(layout, zone.spec());
        } catch (RuntimeException e) {
            LOG.error("zone {}: cannot wire its NICs again: {}", zone.uuid(), e.getMessage());
        }
    }

    /**
     * Makes the disk ({@code newDisk}) and mounts it with the overlay while another thread wires the network (the two
     * share nothing), then writes config.json and runs the container; every step is safe to repeat. Create and start
     * share it; create's observer hears each step.
     */
    private void bringUp(ZoneLayout layout, Zone zone, CreateObserver steps, boolean newDisk) {
        Future<?> wiring = wirer.submit(() -> network.attach(layout, zone.spec()));
        try {
            if (newDisk) {
                ZoneDisk.createAndMount(layout, zone.pkg().diskMiB(), diskTemplates, images.rootfs(zone.spec().imageId()), diskTool);
            } else {
                ZoneDisk.mount(layout, images.rootfs(zone.spec().imageId()), diskTool);
            }
        } catch (RuntimeException e) {
            awaitQuietly(wiring); // its parts are released with the disk's by the caller
            throw e;
        }
        steps.reached("disk");
        await(wiring);
        steps.reached("network");
        writeConfig(layout, zone.spec());
        steps.reached("config");
        try {
            Files.createDirectories(layout.metadataDir()); // the source of a bind mount: it must exist
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        hooks.starting(layout, zone.spec());
        runc.runDetached(layout.containerId(), layout.dir(), layout.log(), layout.rootfs(), Path.of(OciSpec.netnsPath(layout)));
        steps.reached("runc");
        requireRunning(layout);
        steps.reached("started");
    }

    private static void await(Future<?> task) {
        try {
            task.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw GantryException.internal(String.valueOf(e.getCause()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw GantryException.internal("interrupted while wiring a zone's network");
        }
    }

    private static void awaitQuietly(Future<?> task) {
        try {
            await(task);
        } catch (RuntimeException ignored) {
            // the first failure is the one reported
        }
    }

    private void writeConfig(ZoneLayout layout, ZoneSpec spec) {
        // written again before every run from the zone's record, so a crash may lose it: whole, but not flushed
        DurableFiles.replace(layout.config(), Json.writePretty(OciSpec.build(layout, spec.alias(), spec.pkg(), zoneInit, mdataTool)));
    }

    private boolean isRunning(ZoneLayout layout) {
        return runc.state(layout.containerId()).map(Runc.State::running).orElse(false);
    }

    /** From runc's state file and the init's /proc entry, as runc itself decides it (no {@code runc state} process). */
    private void requireRunning(ZoneLayout layout) {
        if (runningInit(layout).isEmpty()) {
            throw GantryException.internal("zone " + layout.uuid() + " exited right after it started; see " + layout.log());
        }
    }

    /**
     * Frees what the kernel holds for the zone (container, mounts, loop, namespace, veth, cgroup), keeping its record;
     * with {@code removeDiskFile} (a removal) the disk file goes too. Its disk is discarded, not written back: this comes
     * before a removal or leaves a failed zone, which is only deleted.
     */
    private void releaseResources(ZoneLayout layout, List<Nic> nics, boolean removeDiskFile) {
        runc.delete(layout.containerId());
        Future<?> unwiring = wirer.submit(() -> network.detach(layout, nics)); // the disk's teardown meanwhile
        try {
            ZoneDisk.discard(layout, diskTool);
            if (removeDiskFile) {
                // beside the network's teardown too: freeing the file's blocks is most of the removal of the zone's
                // files; the rest (record, guard) goes only once the namespace and ports are gone, so that an agent
                // killed before still finds the zone to finish it
                Files.deleteIfExists(layout.diskImage());
            }
        } catch (RuntimeException | IOException e) {
            awaitQuietly(unwiring);
            throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
        }
        await(unwiring);
        cgroups.removeIfEmpty(layout.cgroupsPath());
    }

    private void removeEverything(ZoneLayout layout, List<Nic> nics) {
        long t = System.nanoTime();
        runProbes.close(layout.uuid()); // metering's open files of the zone: let go before its namespace is removed
        markRemoving(layout);
        t = Trace.step("remove:mark", t);
        releaseResources(layout, nics, true);
        t = Trace.step("remove:release", t);
        runcStates.forget(layout.containerId());
        Trees.deleteOnOneFilesystem(layout.dir());
        Trees.deleteOnOneFilesystem(layout.metadataDir());
        t = Trace.step("remove:files", t);
        cgroups.removeIfEmpty("/" + layout.cgroupParent());
        hooks.removed(layout.uuid());
        Trace.step("remove:cgroup", t);
    }

    private static void writeGuard(ZoneLayout layout) {
        DurableFiles.write(layout.guard(), "creating\n");
    }

    /**
     * The guard file again, before the zone's disk is discarded (its filesystem shut down unflushed): an agent killed
     * from here on finds the zone half-made at its restart and finishes the removal, so the zone never runs again on
     * that dead filesystem. Not flushed: after a host crash the shutdown is gone with the mount and the image is as
     * after a power cut, which ext4 recovers from.
     */
    private static void markRemoving(ZoneLayout layout) {
        if (Files.isDirectory(layout.dir())) {
            try {
                Files.writeString(layout.guard(), "removing\n");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static void deleteGuard(ZoneLayout layout) {
        try {
            Files.deleteIfExists(layout.guard());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Bytes received (into the zone) and sent by the zone's eth0, from its init's view of
     * /proc/net/dev; {0, 0} if it has no eth0. Throws if the init is gone.
     */
    private static long[] readEth0(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "net", "dev"))) {
            String trimmed = line.trim();
            if (trimmed.startsWith("eth0:")) {
                String[] f = trimmed.substring(5).trim().split("\\s+");
                return new long[] {Long.parseLong(f[0]), Long.parseLong(f[8])};
            }
        }
        return new long[] {0, 0};
    }
}
