package io.gantry.agent.usage;

import io.gantry.agent.ZoneBackend;
import io.gantry.agent.ZoneRun;
import io.gantry.common.ErrorCode;
import io.gantry.common.GantryException;
import io.gantry.common.Zone;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes usage samples into the journal: every {@code interval} (a tick) it reads the run and
 * counters of each zone of its roster (files only, no process per sample: see
 * {@link ZoneBackend#currentRun}), feeds the readings to the meter and appends the tick's entries
 * to the journal as one batch (one fsync). The meter takes an entry only once it is journaled.
 *
 * <p>The roster ({@link ZoneRoster}) is the backend's list taken at the first tick, then kept from
 * what {@link MeteredZoneBackend} does (creates, updates, deletes), and replaced by a full list
 * again every {@link #RELIST} (zones made or changed on the node by other means: moved in, made by
 * hand). Listing every tick would read and parse every zone's record on a runc node. A zone picked
 * up late loses nothing: its first record counts from the start of its run.
 *
 * <p>A zone that vanishes while it is read is skipped quietly; a zone whose read fails is logged
 * (once until it recovers) and the others go on. A zone that is found gone (its read says it does
 * not exist and the backend no longer has it), or that the meter follows and a full list no longer
 * holds, was deleted behind the meter's back: its final record is made.
 *
 * <p>{@link #sampleZone} and {@link #endZone} are for {@link MeteredZoneBackend}: a sample right
 * before a stop, reboot, delete or update, so the tail of a run is not lost, and the final record
 * after a delete. Samples are taken one at a time (a lock), so a zone's records stay in order.
 */
public final class UsageSampler implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(UsageSampler.class);
    /** How often the roster is replaced by a full list of the backend's zones. */
    static final Duration RELIST = Duration.ofSeconds(30);

    private final ZoneBackend backend;
    private final UsageMeter meter;
    private final UsageJournal journal;
    private final Clock clock;
    private final Duration interval;
    private final long relistTicks;
    private final ZoneRoster roster = new ZoneRoster();
    private boolean listed;
    private long ticksSinceList;
    private final Set<UUID> failing = new HashSet<>();
    private final AtomicLong samples = new AtomicLong();
    private final AtomicLong journaled = new AtomicLong();
    private final AtomicLong tickFailures = new AtomicLong();
    private final Object lock = new Object();
    private volatile boolean unsupportedLogged;
    private volatile boolean listFailing;
    private final CountDownLatch stop = new CountDownLatch(1);
    private Thread thread;

    public UsageSampler(ZoneBackend backend, UsageMeter meter, UsageJournal journal, Clock clock, Duration interval) {
        this(backend, meter, journal, clock, interval, RELIST);
    }

    /** As above, with the roster replaced by a full list every {@code relist} (rounded to whole ticks, at least one). */
    UsageSampler(ZoneBackend backend, UsageMeter meter, UsageJournal journal, Clock clock, Duration interval, Duration relist) {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("the sample interval must be positive");
        }
        this.backend = backend;
        this.meter = meter;
        this.journal = journal;
        this.clock = clock;
        this.interval = interval;
        this.relistTicks = Math.max(1, relist.toNanos() / interval.toNanos());
    }

    /** Starts the loop on its own daemon thread: a tick every interval, the first one at once. */
    public synchronized void start(String node) {
        if (thread != null) {
            return;
        }
        thread = new Thread(this::loop, "gantry-usage-sampler-" + node);
        thread.setDaemon(true);
        thread.start();
    }

    private void loop() {
        long intervalNanos = interval.toNanos();
        long next = System.nanoTime();
        while (stop.getCount() > 0) {
            try {
                sampleAll();
            } catch (RuntimeException e) {
                tickFailures.incrementAndGet();
                LOG.error("usage sampling tick failed: {}", e.toString());
            }
            next += intervalNanos;
            long now = System.nanoTime();
            if (next - now < 0) {
                next = now + intervalNanos; // fell behind (a slow disk): skip ticks rather than bunch them
            }
            try {
                if (stop.await(Math.max(0, next - now), TimeUnit.NANOSECONDS)) {
                    return;
                }
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** One tick: every zone once; returns the number of entries journaled. */
    public int sampleAll() {
        synchronized (lock) {
            boolean fullList = !listed || ++ticksSinceList >= relistTicks;
            if (fullList && !relist()) {
                if (!listed) {
                    return 0; // no roster yet: nothing to sample
                }
                fullList = false; // go on with the roster as it is; the next tick lists again
            }
            List<UsageEntry> entries = new ArrayList<>(roster.size());
            List<UUID> vanished = new ArrayList<>(0);
            for (Zone zone : roster.zones()) {
                read(zone, vanished).flatMap(meter::measure).ifPresent(entries::add);
            }
            for (UUID uuid : vanished) {
                if (isGone(uuid)) {
                    roster.remove(uuid);
                    endBehindTheBack(uuid, entries);
                }
            }
            if (fullList) {
                for (UUID gone : meter.liveZones()) {
                    if (!roster.contains(gone) && isGone(gone)) {
                        endBehindTheBack(gone, entries);
                    }
                }
            }
            return journal(entries);
        }
    }

    /** Replaces the roster with the backend's list; false if the backend cannot list its zones now. */
    private boolean relist() {
        List<Zone> zones;
        try {
            zones = backend.list();
        } catch (RuntimeException e) {
            if (!listFailing) {
                listFailing = true;
                LOG.warn("usage sampling: cannot list zones ({}); {}", e.toString(),
                        listed ? "the zones known are sampled meanwhile" : "nothing is sampled until it lists");
            }
            return false;
        }
        if (listFailing) {
            listFailing = false;
            LOG.info("usage sampling: the zone list reads again");
        }
        roster.replace(zones);
        listed = true;
        ticksSinceList = 0;
        return true;
    }

    private void endBehindTheBack(UUID zone, List<UsageEntry> entries) {
        LOG.info("zone {} is gone without a delete through the metered backend: making its final record", zone);
        meter.measureFinal(zone, clock.millis()).ifPresent(entries::add);
        failing.remove(zone);
    }

    /** A zone made, started or changed through the metered backend: metered from the next tick on, under this record. */
    void zoneChanged(Zone zone) {
        if (zone != null) {
            roster.put(zone);
        }
    }

    /** Samples the zone one last time before its delete; it leaves the roster until {@link #deleteDone} says how the delete went. */
    void sampleBeforeDelete(UUID uuid) {
        synchronized (lock) {
            sampleZone(uuid);
            roster.leave(uuid);
        }
    }

    /**
     * The delete is over: done, the zone's final record; failed, the zone is metered again if it is
     * still there, or gets its final record if it went all the same. Never throws.
     */
    void deleteDone(UUID uuid, boolean deleted) {
        if (deleted) {
            roster.left(uuid, null);
            endZone(uuid);
            return;
        }
        Optional<Zone> stillThere;
        try {
            stillThere = backend.find(uuid);
        } catch (RuntimeException e) {
            roster.left(uuid, null); // cannot tell: the next full list decides
            return;
        }
        roster.left(uuid, stillThere.orElse(null));
        if (stillThere.isEmpty()) {
            endZone(uuid);
        }
    }

    /** Zones in the roster now. */
    int rosterSize() {
        return roster.size();
    }

    private boolean isGone(UUID uuid) {
        try {
            return backend.find(uuid).isEmpty();
        } catch (RuntimeException e) {
            return false; // cannot tell: ask again next tick
        }
    }

    /** Samples one zone now (before a change that ends or alters its run). Never throws. */
    public void sampleZone(UUID uuid) {
        synchronized (lock) {
            try {
                Optional<Zone> zone = backend.find(uuid);
                if (zone.isEmpty()) {
                    return;
                }
                roster.put(zone.get());
                read(zone.get(), new ArrayList<>(0)).flatMap(meter::measure).ifPresent(e -> journal(List.of(e)));
            } catch (RuntimeException e) {
                LOG.warn("zone {}: the sample before a change failed: {}", uuid, e.toString());
            }
        }
    }

    /** Makes the final record ({@code last = true}) of a zone that was deleted. Never throws. */
    public void endZone(UUID uuid) {
        synchronized (lock) {
            try {
                meter.measureFinal(uuid, clock.millis()).ifPresent(e -> journal(List.of(e)));
                failing.remove(uuid);
            } catch (RuntimeException e) {
                LOG.warn("zone {}: its final usage record failed (the next tick retries): {}", uuid, e.toString());
            }
        }
    }

    /** The zone's reading now; a zone that does not exist (now) reads empty and is added to {@code vanished}. */
    private Optional<ZoneReading> read(Zone zone, List<UUID> vanished) {
        UUID uuid = zone.uuid();
        try {
            Optional<ZoneRun> run = backend.currentRun(uuid);
            if (run.isPresent() && !KernelCounters.of(run.get().counters()).valid()) {
                return Optional.empty(); // a cgroup file vanished mid-read: the zone is stopping
            }
            samples.incrementAndGet();
            if (failing.remove(uuid)) {
                LOG.info("zone {}: usage reads again", uuid);
            }
            return Optional.of(new ZoneReading(uuid, zone.tenant(), zone.pkg().name(), clock.millis(), run.orElse(null)));
        } catch (GantryException e) {
            if (e.code() == ErrorCode.ResourceNotFound) {
                vanished.add(uuid); // deleted, or stopped or restarted while read: the caller asks which
                return Optional.empty();
            }
            return failed(uuid, e);
        } catch (UnsupportedOperationException e) {
            if (!unsupportedLogged) {
                unsupportedLogged = true;
                LOG.error("usage is not metered: {}", e.getMessage());
            }
            return Optional.empty();
        } catch (RuntimeException e) {
            return failed(uuid, e);
        }
    }

    private Optional<ZoneReading> failed(UUID uuid, RuntimeException e) {
        if (failing.add(uuid)) {
            LOG.warn("zone {}: cannot read its usage ({}); the other zones go on", uuid, e.toString());
        }
        return Optional.empty();
    }

    private int journal(List<UsageEntry> entries) {
        if (entries.isEmpty()) {
            return 0;
        }
        journal.append(entries); // throws: the meter then stays where it was, and the next tick covers the gap
        entries.forEach(meter::accept);
        journaled.addAndGet(entries.size());
        return entries.size();
    }

    /** Zone readings taken. */
    public long samplesTaken() {
        return samples.get();
    }

    /** Entries appended to the journal. */
    public long recordsJournaled() {
        return journaled.get();
    }

    @Override
    public void close() {
        Thread t;
        synchronized (this) {
            stop.countDown(); // no interrupt: it would close the journal's file channel under a write
            t = thread;
            thread = null;
        }
        if (t != null) {
            try {
                t.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
