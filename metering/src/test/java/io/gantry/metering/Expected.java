package io.gantry.metering;

import io.gantry.common.usage.UsageRecord;
import io.gantry.metering.usage.Granularity;
import io.gantry.metering.usage.Period;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the roll-up tables must hold for records delivered in order, worked out the plain way: each
 * record adds its counters minus the previous delivered record's (the first, all of them), in the
 * bucket of its own time; the peak is the highest memory level in the bucket.
 */
final class Expected {
    /** instance_ms, cpu_ns, memory_byte_seconds, memory_peak_bytes, disk_byte_seconds, net_rx, net_tx, oom_kills, forks_refused */
    static final String COLUMNS = "instance_ms, cpu_ns, memory_byte_seconds, memory_peak_bytes, disk_byte_seconds, net_rx, net_tx,"
            + " oom_kills, forks_refused";
    final Map<Granularity, Map<String, List<Long>>> buckets = new HashMap<>();
    final Map<String, List<Long>> periods = new HashMap<>();

    Expected() {
        for (Granularity g : Granularity.values()) {
            buckets.put(g, new HashMap<>());
        }
    }

    static String key(Object zone, Instant start) {
        return zone + "@" + start;
    }

    /** Adds one zone's delivered records. */
    Expected zone(List<UsageRecord> delivered) {
        List<UsageRecord> records = new ArrayList<>(delivered);
        records.sort(Comparator.comparingLong(UsageRecord::seq));
        UsageRecord prev = null;
        for (UsageRecord r : records) {
            long[] d = {
                    r.runningMillis() - (prev == null ? 0 : prev.runningMillis()),
                    r.cpuNanos() - (prev == null ? 0 : prev.cpuNanos()),
                    r.memoryByteSeconds() - (prev == null ? 0 : prev.memoryByteSeconds()),
                    Math.max(r.memoryBytes(), r.memoryPeakBytes()),
                    r.diskByteSeconds() - (prev == null ? 0 : prev.diskByteSeconds()),
                    r.netRxBytes() - (prev == null ? 0 : prev.netRxBytes()),
                    r.netTxBytes() - (prev == null ? 0 : prev.netTxBytes()),
                    r.oomKills() - (prev == null ? 0 : prev.oomKills()),
                    r.forksRefused() - (prev == null ? 0 : prev.forksRefused())};
            Instant time = Instant.ofEpochMilli(r.timeMillis());
            for (Granularity g : Granularity.values()) {
                add(buckets.get(g), key(r.zone(), g.bucket(time)), d, true);
            }
            for (Period p : Period.values()) {
                long[] noPeak = {d[0], d[1], d[2], 0, d[4], d[5], d[6]};
                add(periods, r.tenant() + "/" + p.wireName() + "@" + p.start(time), noPeak, false);
            }
            prev = r;
        }
        return this;
    }

    private static void add(Map<String, List<Long>> into, String key, long[] d, boolean withPeak) {
        List<Long> sums = into.computeIfAbsent(key, k -> new ArrayList<>(java.util.Collections.nCopies(d.length, 0L)));
        for (int i = 0; i < d.length; i++) {
            sums.set(i, withPeak && i == 3 ? Math.max(sums.get(i), d[i]) : sums.get(i) + d[i]);
        }
    }

    /** The rows of one roll-up table for the given zones, keyed like {@link #buckets}. */
    static Map<String, List<Long>> stored(TestDatabase db, Granularity g, List<?> zones) {
        Map<String, List<Long>> out = new HashMap<>();
        for (Object zone : zones) {
            for (List<Object> row : db.query("select zone, bucket, " + COLUMNS + " from " + g.table() + " where zone = ?", zone)) {
                List<Long> values = new ArrayList<>();
                for (int i = 2; i < row.size(); i++) {
                    values.add(((Number) row.get(i)).longValue());
                }
                out.put(key(row.get(0), ((Timestamp) row.get(1)).toInstant()), values);
            }
        }
        return out;
    }

    /** Period totals of the accounts, keyed like {@link #periods} (instance, cpu, mem, 0, disk, rx, tx). */
    static Map<String, List<Long>> storedPeriods(TestDatabase db, List<String> accounts) {
        Map<String, List<Long>> out = new HashMap<>();
        for (String account : accounts) {
            for (List<Object> row : db.query("select account, period, period_start, instance_ms, cpu_ns, memory_byte_seconds, 0,"
                    + " disk_byte_seconds, net_rx, net_tx from metering.usage_period where account = ?", account)) {
                List<Long> values = new ArrayList<>();
                for (int i = 3; i < row.size(); i++) {
                    values.add(((Number) row.get(i)).longValue());
                }
                out.put(row.get(0) + "/" + row.get(1) + "@" + ((Timestamp) row.get(2)).toInstant(), values);
            }
        }
        return out;
    }
}
