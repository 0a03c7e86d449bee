package io.gantry.metering.store;

import io.gantry.common.usage.UsageRecord;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.hibernate.reactive.stage.Stage;

/**
 * Stores raw usage records, idempotently by (zone, seq): one transaction, one statement, and a
 * record already stored is left as it is. Rows are inserted in (zone, seq) order, so concurrent
 * overlapping batches take their key locks in the same order and do not deadlock each other.
 */
public final class IngestStore {
    private static final int ATTEMPTS = 3;
    static final String INSERT = """
            insert into metering.usage_raw (zone, seq, account, node, package_name, time, running_ms, cpu_ns, memory_bytes,
                memory_peak_bytes, memory_byte_seconds, disk_used_bytes, disk_byte_seconds, net_rx, net_tx, oom_kills,
                forks_refused, last)
            select x."zone", x."seq", x."tenant", x."node", x."packageName",
                timestamptz 'epoch' + x."timeMillis" * interval '1 millisecond',
                x."runningMillis", x."cpuNanos", x."memoryBytes", x."memoryPeakBytes", x."memoryByteSeconds", x."diskUsedBytes",
                x."diskByteSeconds", x."netRxBytes", x."netTxBytes", x."oomKills", x."forksRefused", coalesce(x."last", false)
            from jsonb_to_recordset(cast(cast(?1 as text) as jsonb)) as x("zone" uuid, "seq" bigint, "tenant" text, "node" text,
                "packageName" text, "timeMillis" bigint, "runningMillis" bigint, "cpuNanos" bigint, "memoryBytes" bigint,
                "memoryPeakBytes" bigint, "memoryByteSeconds" bigint, "diskUsedBytes" bigint, "diskByteSeconds" bigint,
                "netRxBytes" bigint, "netTxBytes" bigint, "oomKills" bigint, "forksRefused" bigint, "last" boolean)
            order by x."zone", x."seq"
            on conflict (zone, seq) do nothing""";

    private final Stage.SessionFactory sessions;

    public IngestStore(MeteringDatabase db) {
        this.sessions = db.sessions();
    }

    /** The records as the JSON parameter {@link #store(String)} takes. Pure CPU work: may run on a worker. */
    public static String encode(List<UsageRecord> records) {
        return Sql.json(records);
    }

    /** Stores the records (from {@link #encode}); completes after the commit with how many were new. */
    public CompletionStage<Integer> store(String encodedRecords) {
        return attempt(encodedRecords, 1);
    }

    private CompletionStage<Integer> attempt(String encoded, int attempt) {
        return sessions.withStatelessTransaction(s -> Sql.update(s, INSERT, encoded))
                .handle((n, failure) -> {
                    if (failure == null) {
                        return CompletableFuture.completedStage(n);
                    }
                    if (attempt < ATTEMPTS && DatabaseErrors.retryable(failure)) {
                        return attempt(encoded, attempt + 1);
                    }
                    return CompletableFuture.<Integer>failedStage(failure);
                })
                .thenCompose(stage -> stage);
    }
}
