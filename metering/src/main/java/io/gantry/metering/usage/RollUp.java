package io.gantry.metering.usage;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The roll-up arithmetic, without I/O: given each zone's cursor and the records not rolled up yet,
 * the deltas to add per zone and bucket (minute, hour, day) and per account and budget period, and
 * the cursors to store with them.
 *
 * <p>A record's delta is its counters minus the cursor's (a zone's first record: its own counters,
 * since counters count from the zone's first metering). Records at or below the cursor's sequence
 * are stale (replayed, or late behind a newer one) and add nothing: cumulative counters already hold
 * their usage. Gaps in sequence need nothing special for the same reason; the usage of the missing
 * records lands in the bucket of the next record that arrives.
 */
public final class RollUp {

    private RollUp() {
    }

    /** Usage of one zone in one bucket: summed deltas and the highest memory level seen. */
    public record BucketUsage(UUID zone, Instant bucket, String account, String packageName, Counters delta, long memoryPeakBytes) {
        BucketUsage add(RawRecord r, Counters d) {
            return new BucketUsage(zone, bucket, r.account(), r.packageName(), delta.plus(d), Math.max(memoryPeakBytes, r.memoryHighWater()));
        }
    }

    /** Usage of one account in one budget period. */
    public record PeriodUsage(String account, Period period, Instant start, Counters delta) {
    }

    /**
     * What one roll-up pass produces.
     *
     * @param buckets     per granularity, the per-zone bucket deltas to add
     * @param periods     per account and period, the deltas to add
     * @param cursors     the advanced cursor of every zone that had a record applied
     * @param throughSeq  per zone, the highest sequence seen in this pass (stale ones included): every
     *                    record of the zone up to it is now accounted for
     * @param applied     records whose delta was applied
     * @param stale       records skipped as at or below their zone's cursor
     * @param regressions applied records with a counter lower than the cursor's (clamped to a 0 delta)
     * @param newest      the latest record time applied, or null if none was
     */
    public record Result(Map<Granularity, List<BucketUsage>> buckets, List<PeriodUsage> periods, List<ZoneCursor> cursors,
                         Map<UUID, Long> throughSeq, int applied, int stale, int regressions, Instant newest) {
        public boolean isEmpty() {
            return applied == 0 && stale == 0;
        }
    }

    private record BucketKey(UUID zone, Instant bucket) {
    }

    private record PeriodKey(String account, Period period, Instant start) {
    }

    public static Result apply(Map<UUID, ZoneCursor> cursors, List<RawRecord> pending) {
        Map<UUID, List<RawRecord>> byZone = new LinkedHashMap<>();
        for (RawRecord r : pending) {
            byZone.computeIfAbsent(r.zone(), z -> new ArrayList<>()).add(r);
        }
        Map<Granularity, Map<BucketKey, BucketUsage>> buckets = new EnumMap<>(Granularity.class);
        for (Granularity g : Granularity.values()) {
            buckets.put(g, new LinkedHashMap<>());
        }
        Map<PeriodKey, Counters> periods = new LinkedHashMap<>();
        List<ZoneCursor> advanced = new ArrayList<>();
        Map<UUID, Long> through = new LinkedHashMap<>();
        int applied = 0;
        int stale = 0;
        int regressions = 0;
        Instant newest = null;
        for (var entry : byZone.entrySet()) {
            UUID zone = entry.getKey();
            List<RawRecord> records = entry.getValue();
            records.sort(Comparator.comparingLong(RawRecord::seq));
            ZoneCursor cursor = cursors.get(zone);
            ZoneCursor start = cursor;
            for (RawRecord r : records) {
                through.merge(zone, r.seq(), Math::max);
                if (cursor != null && r.seq() <= cursor.seq()) {
                    stale++;
                    continue;
                }
                Counters delta;
                if (cursor == null) {
                    delta = r.counters();
                } else {
                    if (r.counters().goesBelow(cursor.counters())) {
                        regressions++;
                    }
                    delta = r.counters().since(cursor.counters());
                }
                for (Granularity g : Granularity.values()) {
                    BucketKey key = new BucketKey(zone, g.bucket(r.time()));
                    buckets.get(g).merge(key, new BucketUsage(zone, key.bucket(), r.account(), r.packageName(), delta, r.memoryHighWater()),
                            (old, fresh) -> old.add(r, delta));
                }
                for (Period p : Period.values()) {
                    periods.merge(new PeriodKey(r.account(), p, p.start(r.time())), delta, Counters::plus);
                }
                cursor = new ZoneCursor(zone, r.account(), r.packageName(), r.seq(), r.time(), r.counters());
                applied++;
                if (newest == null || r.time().isAfter(newest)) {
                    newest = r.time();
                }
            }
            if (cursor != start) {
                advanced.add(cursor);
            }
        }
        Map<Granularity, List<BucketUsage>> bucketLists = new EnumMap<>(Granularity.class);
        buckets.forEach((g, m) -> bucketLists.put(g, List.copyOf(m.values())));
        List<PeriodUsage> periodList = new ArrayList<>();
        periods.forEach((k, d) -> periodList.add(new PeriodUsage(k.account(), k.period(), k.start(), d)));
        return new Result(bucketLists, periodList, advanced, through, applied, stale, regressions, newest);
    }
}
