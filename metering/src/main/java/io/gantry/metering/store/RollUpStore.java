package io.gantry.metering.store;

import io.gantry.metering.usage.Counters;
import io.gantry.metering.usage.Granularity;
import io.gantry.metering.usage.RawRecord;
import io.gantry.metering.usage.RollUp;
import io.gantry.metering.usage.ZoneCursor;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.hibernate.reactive.stage.Stage;

/**
 * One roll-up pass in one transaction: read the records not rolled up yet with their zones'
 * cursors, compute the deltas ({@link RollUp}), add them to the minute, hour, day and period
 * tables, advance the cursors and mark the records rolled. Everything commits together or not at
 * all, so a crash never applies a delta twice; an advisory lock makes two leaders (for the moment a
 * lost ZooKeeper session takes to notice) take turns instead of reading the same records.
 */
public final class RollUpStore {
    /** pg_advisory_xact_lock key of the roll-up ("gantry-r" as a number). */
    static final long ROLLUP_LOCK = 0x67616e7472792d72L;

    private static final String PENDING = """
            select r.zone, r.seq, r.account, r.package_name, %s, r.running_ms, r.cpu_ns, r.memory_byte_seconds,
                r.disk_byte_seconds, r.net_rx, r.net_tx, r.oom_kills, r.forks_refused, r.memory_bytes, r.memory_peak_bytes,
                c.seq, c.account, c.package_name, %s, c.running_ms, c.cpu_ns, c.memory_byte_seconds, c.disk_byte_seconds,
                c.net_rx, c.net_tx, c.oom_kills, c.forks_refused
            from metering.usage_raw r left join metering.usage_cursor c on c.zone = r.zone
            where not r.rolled
            order by r.zone, r.seq
            limit ?1""".formatted(Sql.millis("r.time"), Sql.millis("c.time"));

    private static final String BUCKETS = """
            insert into %1$s as t (zone, bucket, account, package_name, instance_ms, cpu_ns, memory_byte_seconds,
                memory_peak_bytes, disk_byte_seconds, net_rx, net_tx, oom_kills, forks_refused)
            select x."zone", x."bucket", x."account", x."pkg", x."instanceMs", x."cpuNs", x."memoryByteSeconds", x."peak",
                x."diskByteSeconds", x."rx", x."tx", x."oom", x."forks"
            from jsonb_to_recordset(cast(cast(?1 as text) as jsonb)) as x("zone" uuid, "bucket" timestamptz, "account" text, "pkg" text,
                "instanceMs" bigint, "cpuNs" bigint, "memoryByteSeconds" bigint, "peak" bigint, "diskByteSeconds" bigint,
                "rx" bigint, "tx" bigint, "oom" bigint, "forks" bigint)
            on conflict (zone, bucket) do update set
                account = excluded.account,
                package_name = excluded.package_name,
                instance_ms = t.instance_ms + excluded.instance_ms,
                cpu_ns = t.cpu_ns + excluded.cpu_ns,
                memory_byte_seconds = t.memory_byte_seconds + excluded.memory_byte_seconds,
                memory_peak_bytes = greatest(t.memory_peak_bytes, excluded.memory_peak_bytes),
                disk_byte_seconds = t.disk_byte_seconds + excluded.disk_byte_seconds,
                net_rx = t.net_rx + excluded.net_rx,
                net_tx = t.net_tx + excluded.net_tx,
                oom_kills = t.oom_kills + excluded.oom_kills,
                forks_refused = t.forks_refused + excluded.forks_refused""";

    private static final String PERIODS = """
            insert into metering.usage_period as t (account, period, period_start, instance_ms, cpu_ns, memory_byte_seconds,
                disk_byte_seconds, net_rx, net_tx)
            select x."account", x."period", x."start", x."instanceMs", x."cpuNs", x."memoryByteSeconds", x."diskByteSeconds",
                x."rx", x."tx"
            from jsonb_to_recordset(cast(cast(?1 as text) as jsonb)) as x("account" text, "period" text, "start" timestamptz,
                "instanceMs" bigint, "cpuNs" bigint, "memoryByteSeconds" bigint, "diskByteSeconds" bigint, "rx" bigint, "tx" bigint)
            on conflict (account, period, period_start) do update set
                instance_ms = t.instance_ms + excluded.instance_ms,
                cpu_ns = t.cpu_ns + excluded.cpu_ns,
                memory_byte_seconds = t.memory_byte_seconds + excluded.memory_byte_seconds,
                disk_byte_seconds = t.disk_byte_seconds + excluded.disk_byte_seconds,
                net_rx = t.net_rx + excluded.net_rx,
                net_tx = t.net_tx + excluded.net_tx""";

    private static final String CURSORS = """
            insert into metering.usage_cursor as t (zone, account, package_name, seq, time, running_ms, cpu_ns,
                memory_byte_seconds, disk_byte_seconds, net_rx, net_tx, oom_kills, forks_refused, updated)
            select x."zone", x."account", x."pkg", x."seq", x."time", x."runningMs", x."cpuNs", x."memoryByteSeconds",
                x."diskByteSeconds", x."rx", x."tx", x."oom", x."forks", now()
            from jsonb_to_recordset(cast(cast(?1 as text) as jsonb)) as x("zone" uuid, "account" text, "pkg" text, "seq" bigint,
                "time" timestamptz, "runningMs" bigint, "cpuNs" bigint, "memoryByteSeconds" bigint, "diskByteSeconds" bigint,
                "rx" bigint, "tx" bigint, "oom" bigint, "forks" bigint)
            on conflict (zone) do update set
                account = excluded.account, package_name = excluded.package_name, seq = excluded.seq, time = excluded.time,
                running_ms = excluded.running_ms, cpu_ns = excluded.cpu_ns, memory_byte_seconds = excluded.memory_byte_seconds,
                disk_byte_seconds = excluded.disk_byte_seconds, net_rx = excluded.net_rx, net_tx = excluded.net_tx,
                oom_kills = excluded.oom_kills, forks_refused = excluded.forks_refused, updated = excluded.updated""";

    /** Every record of a zone up to the seq given is accounted for (applied, or stale behind the cursor). */
    private static final String MARK_ROLLED = """
            update metering.usage_raw r set rolled = true
            from jsonb_to_recordset(cast(cast(?1 as text) as jsonb)) as x("zone" uuid, "seq" bigint)
            where r.zone = x."zone" and r.seq <= x."seq" and not r.rolled""";

    private static final String RETENTION = """
            delete from metering.usage_raw where ctid = any(array(
                select ctid from metering.usage_raw where rolled and time < cast(cast(?1 as text) as timestamptz) limit ?2))""";

    private static final String MINUTE_RETENTION = """
            delete from metering.usage_minute where ctid = any(array(
                select ctid from metering.usage_minute where bucket < cast(cast(?1 as text) as timestamptz) limit ?2))""";

    private record BucketRow(UUID zone, Instant bucket, String account, String pkg, long instanceMs, long cpuNs,
                             long memoryByteSeconds, long peak, long diskByteSeconds, long rx, long tx, long oom, long forks) {
    }

    private record PeriodRow(String account, String period, Instant start, long instanceMs, long cpuNs, long memoryByteSeconds,
                             long diskByteSeconds, long rx, long tx) {
    }

    private record CursorRow(UUID zone, String account, String pkg, long seq, Instant time, long runningMs, long cpuNs,
                             long memoryByteSeconds, long diskByteSeconds, long rx, long tx, long oom, long forks) {
    }

    private record Through(UUID zone, long seq) {
    }

    private final Stage.SessionFactory sessions;

    public RollUpStore(MeteringDatabase db) {
        this.sessions = db.sessions();
    }

    /** Rolls up at most {@code maxRecords} pending records; the result says how many were applied. */
    public CompletionStage<RollUp.Result> rollUp(int maxRecords) {
        return sessions.withStatelessTransaction(s -> Sql.lock(s, ROLLUP_LOCK)
                .thenCompose(v -> Sql.rows(s, PENDING, maxRecords))
                .thenCompose(rows -> {
                    Map<UUID, ZoneCursor> cursors = new HashMap<>();
                    List<RawRecord> pending = new ArrayList<>(rows.size());
                    for (Object[] r : rows) {
                        UUID zone = Sql.uuid(r[0]);
                        pending.add(new RawRecord(zone, Sql.lng(r[1]), Sql.str(r[2]), Sql.str(r[3]), Sql.instant(r[4]),
                                counters(r, 5), Sql.lng(r[13]), Sql.lng(r[14])));
                        if (r[15] != null && !cursors.containsKey(zone)) {
                            cursors.put(zone, new ZoneCursor(zone, Sql.str(r[16]), Sql.str(r[17]), Sql.lng(r[15]), Sql.instant(r[18]),
                                    counters(r, 19)));
                        }
                    }
                    RollUp.Result result = RollUp.apply(cursors, pending);
                    if (result.isEmpty()) {
                        return CompletableFuture.completedStage(result);
                    }
                    return write(s, result).thenApply(v -> result);
                }));
    }

    /** Deletes up to {@code max} raw records older than {@code cutoff} that are rolled up; answers how many. */
    public CompletionStage<Integer> deleteRolledBefore(Instant cutoff, int max) {
        return sessions.withStatelessTransaction(s -> Sql.update(s, RETENTION, cutoff.toString(), max));
    }

    /** Deletes up to {@code max} minute roll-ups of buckets before {@code cutoff}; answers how many. */
    public CompletionStage<Integer> deleteMinutesBefore(Instant cutoff, int max) {
        return sessions.withStatelessTransaction(s -> Sql.update(s, MINUTE_RETENTION, cutoff.toString(), max));
    }

    private static Counters counters(Object[] r, int from) {
        return new Counters(Sql.lng(r[from]), Sql.lng(r[from + 1]), Sql.lng(r[from + 2]), Sql.lng(r[from + 3]), Sql.lng(r[from + 4]),
                Sql.lng(r[from + 5]), Sql.lng(r[from + 6]), Sql.lng(r[from + 7]));
    }

    private static CompletionStage<Void> write(Stage.StatelessSession s, RollUp.Result result) {
        CompletionStage<?> chain = CompletableFuture.completedStage(null);
        for (Granularity g : Granularity.values()) {
            List<BucketRow> rows = result.buckets().get(g).stream().map(b -> {
                Counters d = b.delta();
                return new BucketRow(b.zone(), b.bucket(), b.account(), b.packageName(), d.runningMillis(), d.cpuNanos(),
                        d.memoryByteSeconds(), b.memoryPeakBytes(), d.diskByteSeconds(), d.netRxBytes(), d.netTxBytes(), d.oomKills(),
                        d.forksRefused());
            }).toList();
            if (!rows.isEmpty()) {
                chain = chain.thenCompose(v -> Sql.update(s, BUCKETS.formatted(g.table()), Sql.json(rows)));
            }
        }
        List<PeriodRow> periods = result.periods().stream().map(p -> {
            Counters d = p.delta();
            return new PeriodRow(p.account(), p.period().wireName(), p.start(), d.runningMillis(), d.cpuNanos(), d.memoryByteSeconds(),
                    d.diskByteSeconds(), d.netRxBytes(), d.netTxBytes());
        }).toList();
        if (!periods.isEmpty()) {
            chain = chain.thenCompose(v -> Sql.update(s, PERIODS, Sql.json(periods)));
        }
        List<CursorRow> cursors = result.cursors().stream().map(c -> {
            Counters k = c.counters();
            return new CursorRow(c.zone(), c.account(), c.packageName(), c.seq(), c.time(), k.runningMillis(), k.cpuNanos(),
                    k.memoryByteSeconds(), k.diskByteSeconds(), k.netRxBytes(), k.netTxBytes(), k.oomKills(), k.forksRefused());
        }).toList();
        if (!cursors.isEmpty()) {
            chain = chain.thenCompose(v -> Sql.update(s, CURSORS, Sql.json(cursors)));
        }
        List<Through> through = result.throughSeq().entrySet().stream().map(e -> new Through(e.getKey(), e.getValue())).toList();
        return chain.thenCompose(v -> Sql.update(s, MARK_ROLLED, Sql.json(through))).thenApply(n -> null);
    }
}
