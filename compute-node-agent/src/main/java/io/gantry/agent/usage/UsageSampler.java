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
 * Takes usage samples into the journal: every {@code interval} (a tick) it lists the backend's
 * zones, reads each one's run and counters (files only, no process per sample: see
 * {@link ZoneBackend#currentRun}), feeds the readings to the meter and appends the tick's entries
 * to the journal as one batch (one fsync). The meter takes an entry only once it is journaled.
 *
 * <p>A zone that vanishes while it is read is skipped quietly; a zone whose read fails is logged
 * (once until it recovers) and the others go on. A zone the meter follows that the backend no
 * longer has was deleted behind the meter's back: its final record is made.
 *
 * <p>{@link #sampleZone} and {@link #endZone} are for {@link MeteredZoneBackend}: a sample right
 * before a stop, reboot, delete or update, so the tail of a run is not lost, and the final record
 * after a delete. Samples are taken one at a time (a lock), so a zone's records stay in order.
 */
public final class UsageSampler implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(UsageSampler.class);

    private final ZoneBackend backend;
    private final UsageMeter meter;
    private final UsageJournal journal;
    private final Clock clock;
    private final Duration interval;
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
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("the sample interval must be positive");
        }
        this.backend = backend;
        this.meter = meter;
        this.journal = journal;
        this.clock = clock;
        this.interval = interval;
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
            List<Zone> zones;
            try {
                zones = backend.list();
                if (listFailing) {
                    listFailing = false;
                    LOG.info("usage sampling: the zone list reads again");
                }
            } catch (RuntimeException e) {
                if (!listFailing) {
                    listFailing = true;
                    LOG.warn("usage sampling: cannot list zones ({}); this tick is skipped", e.toString());
                }
                return 0;
            }
            List<UsageEntry> entries = new ArrayList<>();
            Set<UUID> listed = new HashSet<>();
            for (Zone zone : zones) {
                listed.add(zone.uuid());
                read(zone).flatMap(meter::measure).ifPresent(entries::add);
            }
            for (UUID gone : meter.liveZones()) {
                if (!listed.contains(gone) && isGone(gone)) {
                    LOG.info("zone {} is gone without a delete through the metered backend: making its final record", gone);
                    meter.measureFinal(gone, clock.millis()).ifPresent(entries::add);
                }
            }
            return journal(entries);
        }
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
                read(zone.get()).flatMap(meter::measure).ifPresent(e -> journal(List.of(e)));
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

    private Optional<ZoneReading> read(Zone zone) {
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
                return Optional.empty(); // vanished (deleted, or restarted) while read: next tick
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
