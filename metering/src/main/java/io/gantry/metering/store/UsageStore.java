package io.gantry.metering.store;

import io.gantry.metering.usage.Granularity;
import io.gantry.metering.usage.Period;
import io.gantry.metering.usage.Sums;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import org.hibernate.reactive.stage.Stage;

/** Reads the roll-ups back: an account's usage by bucket and machine, the billing export, month totals. */
public final class UsageStore {
    private static final String SUMS = "sum(instance_ms), sum(cpu_ns), sum(memory_byte_seconds), max(memory_peak_bytes), "
            + "sum(disk_byte_seconds), sum(net_rx), sum(net_tx), sum(oom_kills), sum(forks_refused)";

    private static final String EXPORT = """
            select %s, d.account, coalesce(cast(a.id as text), d.account), a.login, cast(d.zone as text), d.package_name,
                d.instance_ms, d.cpu_ns, d.memory_byte_seconds, d.memory_peak_bytes, d.disk_byte_seconds, d.net_rx, d.net_tx,
                d.oom_kills, d.forks_refused
            from metering.usage_day d
            left join accounts a on cast(a.id as text) = d.account or a.login = d.account
            where d.bucket >= cast(cast(?1 as text) as timestamptz) and d.bucket < cast(cast(?2 as text) as timestamptz)
            order by d.bucket, coalesce(a.login, d.account), d.zone""".formatted(Sql.millis("d.bucket"));

    private static final String MONTH = """
            select coalesce(a.login, p.account), sum(p.cpu_ns), sum(p.net_rx), sum(p.net_tx), sum(p.instance_ms)
            from metering.usage_period p
            left join accounts a on cast(a.id as text) = p.account or a.login = p.account
            where p.period = 'month' and p.period_start = cast(cast(?1 as text) as timestamptz)
            group by 1""";

    /** One row of usage: a bucket's start (null for a total), and the machine and package when per instance. */
    public record Row(Instant start, UUID machine, String packageName, Sums sums) {
    }

    public record ExportRecord(LocalDate day, String account, String login, String machine, String packageName, Sums sums) {
    }

    /** A tenant's usage this month, for the per-tenant gauges. */
    public record MonthTotal(String login, double cpuNs, double netRxBytes, double netTxBytes, double instanceMs) {
    }

    private final Stage.SessionFactory sessions;

    public UsageStore(MeteringDatabase db) {
        this.sessions = db.sessions();
    }

    /**
     * The account's usage in buckets of {@code table} that start in [from, to), grouped by bucket
     * ({@code byBucket}) and by machine and package ({@code perInstance}), in time then machine order.
     */
    public CompletionStage<List<Row>> usage(Account account, Granularity table, Instant from, Instant to, boolean byBucket,
                                            boolean perInstance, UUID machine) {
        List<String> keys = new ArrayList<>();
        if (byBucket) {
            keys.add(Sql.millis("bucket"));
        }
        if (perInstance) {
            keys.add("cast(zone as text)");
            keys.add("package_name");
        }
        String select = keys.isEmpty() ? SUMS : String.join(", ", keys) + ", " + SUMS;
        String group = keys.isEmpty() ? "" : " group by " + String.join(", ", keys) + " order by " + String.join(", ", keys);
        String sql = "select " + select + " from " + table.table()
                + " where account in (?1, ?2) and bucket >= cast(cast(?3 as text) as timestamptz) and bucket < cast(cast(?4 as text) as timestamptz)"
                + (machine == null ? "" : " and zone = cast(cast(?5 as text) as uuid)")
                + group;
        Object[] params = machine == null
                ? new Object[] {account.id(), account.login(), from.toString(), to.toString()}
                : new Object[] {account.id(), account.login(), from.toString(), to.toString(), machine.toString()};
        return sessions.withStatelessSession(s -> Sql.rows(s, sql, params)).thenApply(rows -> {
            List<Row> out = new ArrayList<>(rows.size());
            for (Object[] r : rows) {
                int i = 0;
                Instant start = byBucket ? Sql.instant(r[i++]) : null;
                UUID zone = perInstance ? Sql.uuid(r[i++]) : null;
                String pkg = perInstance ? Sql.str(r[i++]) : null;
                if (!perInstance && !byBucket && r[i] == null) {
                    continue; // no rows at all: sum() over nothing is one row of nulls
                }
                out.add(new Row(start, zone, pkg, sums(r, i)));
            }
            return out;
        });
    }

    /** One row per account, machine and UTC day with a day bucket in [from, to). */
    public CompletionStage<List<ExportRecord>> export(Instant from, Instant to) {
        return sessions.withStatelessSession(s -> Sql.rows(s, EXPORT, from.toString(), to.toString())).thenApply(rows -> {
            List<ExportRecord> out = new ArrayList<>(rows.size());
            for (Object[] r : rows) {
                LocalDate day = LocalDate.ofInstant(Sql.instant(r[0]), ZoneOffset.UTC);
                String login = r[3] == null ? Sql.str(r[1]) : Sql.str(r[3]);
                out.add(new ExportRecord(day, Sql.str(r[2]), login, Sql.str(r[4]), Sql.str(r[5]), sums(r, 6)));
            }
            return out;
        });
    }

    /** Every tenant's usage in the UTC month that holds {@code now}. */
    public CompletionStage<List<MonthTotal>> monthTotals(Instant now) {
        return sessions.withStatelessSession(s -> Sql.rows(s, MONTH, Period.MONTH.start(now).toString())).thenApply(rows -> {
            List<MonthTotal> out = new ArrayList<>(rows.size());
            for (Object[] r : rows) {
                out.add(new MonthTotal(Sql.str(r[0]), Sql.dbl(r[1]), Sql.dbl(r[2]), Sql.dbl(r[3]), Sql.dbl(r[4])));
            }
            return out;
        });
    }

    private static Sums sums(Object[] r, int i) {
        return new Sums(Sql.dbl(r[i]), Sql.dbl(r[i + 1]), Sql.dbl(r[i + 2]), Sql.lng(r[i + 3]), Sql.dbl(r[i + 4]), Sql.dbl(r[i + 5]),
                Sql.dbl(r[i + 6]), Sql.lng(r[i + 7]), Sql.lng(r[i + 8]));
    }
}
