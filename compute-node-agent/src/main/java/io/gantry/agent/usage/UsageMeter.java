package io.gantry.agent.usage;

import io.gantry.agent.ZoneCounters;
import io.gantry.agent.ZoneRun;
import io.gantry.common.usage.UsageRecord;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns readings of zones into the next {@link UsageRecord} of each zone: pure arithmetic over the
 * zone's last entry and the new reading, no I/O. {@link #measure} proposes the next entry without
 * changing anything; {@link #accept} makes it the zone's state once it is journaled, so an entry
 * that could not be journaled leaves the meter as it was.
 *
 * <p>Rules:
 * <ul>
 * <li>Cumulative counters (CPU ns, network bytes, OOM kills, refused forks) add {@code raw - lastRaw}
 *     while the zone is in the same incarnation, and {@code raw} (counted from zero) in a new one: a
 *     restarted zone has a new cgroup and a new veth whose counters start at zero. A counter that
 *     goes down within one incarnation is taken as a reset too (logged), so nothing is subtracted.</li>
 * <li>{@code runningMillis} and {@code memoryByteSeconds} (memory now × time) accrue over the time
 *     since the previous record when the zone runs now. In a new incarnation that time is cut to the
 *     time since the run began, when the backend knows it, so the stopped gap is not counted.</li>
 * <li>{@code diskByteSeconds} accrues over all the time since the previous record, running or not: a
 *     stopped zone's disk still exists. While stopped, the last disk level read is used.</li>
 * <li>A stopped zone still yields a record every tick: its counters unchanged, disk-seconds
 *     growing, memory 0. A zone the meter never saw running yields nothing.</li>
 * <li>After the zone's final record ({@code last = true}, it was deleted) it yields nothing more.</li>
 * </ul>
 */
public final class UsageMeter {
    private static final Logger LOG = LoggerFactory.getLogger(UsageMeter.class);
    private static final AtomicBoolean OVERFLOW_LOGGED = new AtomicBoolean();

    private final String node;
    private final Map<UUID, UsageEntry> last = new HashMap<>();

    public UsageMeter(String node) {
        this.node = node;
    }

    /** The entry this reading makes, without changing the meter; empty if there is nothing to record. */
    public synchronized Optional<UsageEntry> measure(ZoneReading reading) {
        return next(reading, false);
    }

    /**
     * The zone's final entry ({@code last = true}) after it was deleted: its counters as last
     * recorded, its disk accrued until {@code timeMillis}. Empty if the zone was never metered.
     */
    public synchronized Optional<UsageEntry> measureFinal(UUID zone, long timeMillis) {
        UsageEntry prev = last.get(zone);
        if (prev == null) {
            return Optional.empty();
        }
        UsageRecord p = prev.record();
        return next(new ZoneReading(zone, p.tenant(), p.packageName(), timeMillis, null), true);
    }

    /** The entry is in the journal: it becomes the zone's state (an entry older than the state is ignored). */
    public synchronized void accept(UsageEntry entry) {
        last.merge(entry.zone(), entry, (old, added) -> added.seq() > old.seq() ? added : old);
    }

    /** Resumes a zone from its last journaled entry, after an agent restart. */
    public synchronized void restore(UsageEntry entry) {
        accept(entry);
    }

    /** Drops a zone whose final record metering has acknowledged. */
    public synchronized void forget(UUID zone) {
        last.remove(zone);
    }

    public synchronized Optional<UsageEntry> last(UUID zone) {
        return Optional.ofNullable(last.get(zone));
    }

    /** Zones the meter follows and whose final record it has not yet made. */
    public synchronized Set<UUID> liveZones() {
        Set<UUID> live = new java.util.HashSet<>();
        last.forEach((zone, e) -> {
            if (!e.record().last()) {
                live.add(zone);
            }
        });
        return live;
    }

    private Optional<UsageEntry> next(ZoneReading r, boolean end) {
        UsageEntry prev = last.get(r.zone());
        if (prev != null && prev.record().last()) {
            return Optional.empty(); // the zone ended
        }
        ZoneRun run = r.run();
        if (prev == null && run == null) {
            return Optional.empty(); // never seen running: nothing to meter yet
        }
        UsageRecord p = prev == null ? null : prev.record();
        long time = p == null ? r.timeMillis() : Math.max(r.timeMillis(), p.timeMillis());
        long elapsed = p == null ? 0 : time - p.timeMillis();
        boolean sameRun = run != null && prev != null && run.incarnation().equals(prev.incarnation());

        long runMillis = 0;
        if (run != null) {
            if (sameRun) {
                runMillis = elapsed;
            } else {
                long sinceStart = run.startedAtMillis() >= 0 ? Math.max(0, time - run.startedAtMillis()) : elapsed;
                runMillis = p == null ? sinceStart : Math.min(elapsed, sinceStart);
            }
        }
        // the first record of a zone: its disk has existed (at least) as long as it has run
        long diskMillis = p == null ? runMillis : elapsed;

        long cpu = p == null ? 0 : p.cpuNanos();
        long rx = p == null ? 0 : p.netRxBytes();
        long tx = p == null ? 0 : p.netTxBytes();
        long oom = p == null ? 0 : p.oomKills();
        long forks = p == null ? 0 : p.forksRefused();
        KernelCounters raw;
        String incarnation;
        long memory = 0;
        long peak = 0;
        long disk = p == null ? 0 : p.diskUsedBytes();
        if (run != null) {
            ZoneCounters c = run.counters();
            raw = KernelCounters.of(c);
            if (!raw.valid()) {
                throw new IllegalArgumentException("zone " + r.zone() + ": a counter reads negative (" + raw + ")");
            }
            KernelCounters base = sameRun ? prev.raw() : KernelCounters.ZERO;
            cpu = add(cpu, grown(r, "cpu ns", base.cpuNanos(), raw.cpuNanos()));
            rx = add(rx, grown(r, "net rx bytes", base.netRxBytes(), raw.netRxBytes()));
            tx = add(tx, grown(r, "net tx bytes", base.netTxBytes(), raw.netTxBytes()));
            oom = add(oom, grown(r, "oom kills", base.oomKills(), raw.oomKills()));
            forks = add(forks, grown(r, "refused forks", base.forksRefused(), raw.forksRefused()));
            incarnation = run.incarnation();
            memory = Math.max(0, c.memoryBytes());
            peak = Math.max(0, c.memoryPeakBytes());
            disk = Math.max(0, c.diskUsedBytes());
        } else {
            raw = prev.raw();
            incarnation = prev.incarnation(); // kept: if the same run shows again, it goes on from here
        }
        long[] mem = accrue(p == null ? 0 : p.memoryByteSeconds(), prev == null ? 0 : prev.memoryByteMillisRemainder(),
                memory, runMillis);
        long[] dsk = accrue(p == null ? 0 : p.diskByteSeconds(), prev == null ? 0 : prev.diskByteMillisRemainder(),
                disk, diskMillis);
        UsageRecord record = new UsageRecord(r.zone(), p == null ? 1 : p.seq() + 1, r.tenant(), node, r.packageName(), time,
                add(p == null ? 0 : p.runningMillis(), runMillis), cpu, memory, peak, mem[0], disk, dsk[0], rx, tx, oom, forks, end);
        return Optional.of(new UsageEntry(record, incarnation, raw, mem[1], dsk[1]));
    }

    /** How much a raw counter grew since {@code base}; a counter that went down was reset, so all of it is new. */
    private static long grown(ZoneReading r, String what, long base, long now) {
        if (now >= base) {
            return now - base;
        }
        LOG.warn("zone {}: {} went down from {} to {} within one run; taken as a reset (counted from zero)",
                r.zone(), what, base, now);
        return now;
    }

    /**
     * Adds {@code level × millis} to an integral kept as whole byte-seconds plus a remainder in
     * byte-milliseconds [0, 1000); returns both.
     */
    static long[] accrue(long total, long remainder, long level, long millis) {
        if (level <= 0 || millis <= 0) {
            return new long[] {total, remainder};
        }
        long whole = mul(level, millis / 1000);
        long part = level * (millis % 1000) + remainder; // level < 2^53 in practice: no overflow
        return new long[] {add(add(total, whole), part / 1000), part % 1000};
    }

    private static long mul(long a, long b) {
        try {
            return Math.multiplyExact(a, b);
        } catch (ArithmeticException e) {
            overflow();
            return Long.MAX_VALUE;
        }
    }

    private static long add(long a, long b) {
        try {
            return Math.addExact(a, b);
        } catch (ArithmeticException e) {
            overflow();
            return Long.MAX_VALUE;
        }
    }

    private static void overflow() {
        if (OVERFLOW_LOGGED.compareAndSet(false, true)) {
            LOG.error("a usage counter passed 2^63 and stays at its maximum (byte-seconds of a large disk or memory over years?)");
        }
    }
}
