package io.gantry.metering.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.gantry.common.GantryException;
import io.gantry.common.Json;
import io.gantry.common.usage.UsageAck;
import io.gantry.common.usage.UsageBatch;
import io.gantry.common.usage.UsageRecord;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Reads and checks a {@link UsageBatch} before anything is stored: either every record is valid and
 * the batch is stored whole, or the agent gets a 400 that names the first bad record. No I/O.
 */
public final class Batches {
    public static final int MAX_RECORDS = 10_000;
    private static final String SHAPE = "a usage batch is {\"node\": ..., \"records\": [{\"zone\": uuid, \"seq\": n >= 1, \"tenant\": ..., "
            + "\"timeMillis\": ..., counters >= 0 ...}]}";

    private Batches() {
    }

    /**
     * A checked batch.
     *
     * @param records the records to store, in (zone, seq) order, each key once
     * @param ack     the answer once they are stored: per zone, the highest seq of the batch
     */
    public record Checked(String node, List<UsageRecord> records, UsageAck ack, int received) {
    }

    public static Checked parse(byte[] body) {
        if (body == null || body.length == 0) {
            throw GantryException.invalid("the request has no body; " + SHAPE);
        }
        UsageBatch batch;
        try {
            batch = Json.mapper().readValue(body, UsageBatch.class);
        } catch (JsonProcessingException e) {
            throw GantryException.invalid("malformed usage batch JSON: " + e.getOriginalMessage() + "; " + SHAPE);
        } catch (IOException e) {
            throw GantryException.invalid("unreadable usage batch: " + e.getMessage());
        }
        return check(batch);
    }

    public static Checked check(UsageBatch batch) {
        if (batch == null) {
            throw GantryException.invalid("the body is empty (null); " + SHAPE);
        }
        if (batch.records() == null) {
            throw GantryException.invalid("records is missing; " + SHAPE);
        }
        List<UsageRecord> records = batch.records();
        if (records.size() > MAX_RECORDS) {
            throw GantryException.invalid("a batch holds at most " + MAX_RECORDS + " records; this one has " + records.size()
                    + ": send the rest in another batch");
        }
        for (int i = 0; i < records.size(); i++) {
            checkRecord(i, records.get(i));
        }
        Map<UUID, Long> through = new LinkedHashMap<>();
        Set<String> seen = new HashSet<>();
        List<UsageRecord> unique = new ArrayList<>(records.size());
        for (UsageRecord r : records) {
            through.merge(r.zone(), r.seq(), Math::max);
            if (seen.add(r.key())) {
                unique.add(r);
            }
        }
        unique.sort(Comparator.comparing(UsageRecord::zone).thenComparingLong(UsageRecord::seq));
        List<UsageAck.Stored> acked = new ArrayList<>(through.size());
        through.forEach((zone, seq) -> acked.add(new UsageAck.Stored(zone, seq)));
        return new Checked(batch.node(), unique, new UsageAck(acked), records.size());
    }

    private static void checkRecord(int i, UsageRecord r) {
        if (r == null) {
            throw GantryException.invalid("record " + i + " is null; " + SHAPE);
        }
        if (r.zone() == null) {
            throw GantryException.invalid("record " + i + ": zone is missing (the zone's uuid)");
        }
        String where = "record " + i + " (zone " + r.zone() + ", seq " + r.seq() + ")";
        if (r.seq() < 1) {
            throw GantryException.invalid("record " + i + " (zone " + r.zone() + "): seq must be 1 or more; got " + r.seq());
        }
        if (r.tenant() == null || r.tenant().isBlank()) {
            throw GantryException.invalid(where + ": tenant is missing (the account that owns the zone)");
        }
        if (r.timeMillis() <= 0) {
            throw GantryException.invalid(where + ": timeMillis must be a positive epoch time in milliseconds; got " + r.timeMillis());
        }
        nonNegative(where, "runningMillis", r.runningMillis());
        nonNegative(where, "cpuNanos", r.cpuNanos());
        nonNegative(where, "memoryBytes", r.memoryBytes());
        nonNegative(where, "memoryPeakBytes", r.memoryPeakBytes());
        nonNegative(where, "memoryByteSeconds", r.memoryByteSeconds());
        nonNegative(where, "diskUsedBytes", r.diskUsedBytes());
        nonNegative(where, "diskByteSeconds", r.diskByteSeconds());
        nonNegative(where, "netRxBytes", r.netRxBytes());
        nonNegative(where, "netTxBytes", r.netTxBytes());
        nonNegative(where, "oomKills", r.oomKills());
        nonNegative(where, "forksRefused", r.forksRefused());
    }

    private static void nonNegative(String where, String field, long value) {
        if (value < 0) {
            throw GantryException.invalid(where + ": " + field + " must not be negative; got " + value
                    + " (counters are cumulative and never go down)");
        }
    }
}
