package io.gantry.metering.store;

import io.gantry.metering.budget.Budget;
import io.gantry.metering.budget.BudgetState;
import io.gantry.metering.budget.Metric;
import io.gantry.metering.budget.Policy;
import io.gantry.metering.usage.Period;
import io.gantry.metering.usage.Sums;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.hibernate.reactive.stage.Stage;

/** Accounts (read from the cloud API's table), budgets and their state in the current period. */
public final class BudgetStore {
    private static final String ACCOUNT = "select cast(id as text), login from accounts where login = ?1 or cast(id as text) = ?2";
    private static final String TENANT_ONLY = "select account, 0 from metering.usage_cursor where account = ?1 limit 1";

    /**
     * Budgets with their account's usage in the period that holds now (?1 hour, ?2 day, ?3 month
     * start), and the breach recorded in that period. Usage is matched by the account's uuid or its
     * login (a record's tenant is one or the other).
     */
    static final String STATES = """
            select cast(b.id as text), cast(b.account as text), b.name, b.metric, b.limit_value, b.period, b.policy,
                b.throttle_cpu_cap,
                coalesce(sum(p.instance_ms), 0), coalesce(sum(p.cpu_ns), 0), coalesce(sum(p.memory_byte_seconds), 0),
                coalesce(sum(p.disk_byte_seconds), 0), coalesce(sum(p.net_rx), 0), coalesce(sum(p.net_tx), 0),
                (select %s from metering.budget_breaches br where br.budget_id = b.id and br.period_start = s.start)
            from metering.budgets b
            join (values ('hour', cast(cast(?1 as text) as timestamptz)), ('day', cast(cast(?2 as text) as timestamptz)), ('month', cast(cast(?3 as text) as timestamptz)))
                as s(period, start) on s.period = b.period
            left join accounts a on a.id = b.account
            left join metering.usage_period p on p.period = b.period and p.period_start = s.start
                and (p.account = cast(b.account as text) or p.account = a.login)
            where (?4 = '' or cast(b.account as text) = ?4) and (?5 = '' or b.name = ?5)
            group by b.id, s.start
            order by b.account, b.name""".formatted(Sql.millis("br.breached_at"));

    private static final String UPSERT = """
            insert into metering.budgets as t (id, account, name, metric, limit_value, period, policy, throttle_cpu_cap, created, updated)
            values (cast(cast(?1 as text) as uuid), cast(cast(?2 as text) as uuid), ?3, ?4, ?5, ?6, ?7, ?8, cast(cast(?9 as text) as timestamptz), cast(cast(?9 as text) as timestamptz))
            on conflict (account, name) do update set metric = excluded.metric, limit_value = excluded.limit_value,
                period = excluded.period, policy = excluded.policy, throttle_cpu_cap = excluded.throttle_cpu_cap,
                updated = excluded.updated""";

    private final Stage.SessionFactory sessions;

    public BudgetStore(MeteringDatabase db) {
        this.sessions = db.sessions();
    }

    /** The account named by its login or uuid: from the cloud API's accounts, else a tenant that has usage. */
    public CompletionStage<Optional<Account>> account(String ref) {
        String id = ref;
        try {
            id = UUID.fromString(ref).toString();
        } catch (IllegalArgumentException notUuid) {
            // a login
        }
        String byId = id;
        return sessions.withStatelessSession(s -> Sql.rows(s, ACCOUNT, ref, byId).thenCompose(rows -> {
            if (!rows.isEmpty()) {
                return CompletableFuture.completedStage(Optional.of(new Account(Sql.str(rows.get(0)[0]), Sql.str(rows.get(0)[1]))));
            }
            return Sql.rows(s, TENANT_ONLY, ref).thenApply(t -> t.isEmpty() ? Optional.<Account>empty() : Optional.of(new Account(ref, ref)));
        }));
    }

    /** Every budget (account and name empty: all) in its current period at {@code now}. */
    public CompletionStage<List<BudgetState>> states(Instant now, String account, String name) {
        return sessions.withStatelessSession(s -> states(s, now, account, name));
    }

    static CompletionStage<List<BudgetState>> states(Stage.StatelessSession s, Instant now, String account, String name) {
        return Sql.rows(s, STATES, Period.HOUR.start(now).toString(), Period.DAY.start(now).toString(), Period.MONTH.start(now).toString(),
                account == null ? "" : account, name == null ? "" : name).thenApply(rows -> {
                    List<BudgetState> out = new ArrayList<>(rows.size());
                    for (Object[] r : rows) {
                        Budget b = new Budget(UUID.fromString(Sql.str(r[0])), Sql.str(r[1]), Sql.str(r[2]), Metric.fromWire(Sql.str(r[3])),
                                Sql.dbl(r[4]), Period.fromWire(Sql.str(r[5])), Policy.fromWire(Sql.str(r[6])), (int) Sql.lng(r[7]));
                        Sums usage = new Sums(Sql.dbl(r[8]), Sql.dbl(r[9]), Sql.dbl(r[10]), 0, Sql.dbl(r[11]), Sql.dbl(r[12]), Sql.dbl(r[13]), 0, 0);
                        out.add(BudgetState.of(b, usage, now, Sql.instant(r[14])));
                    }
                    return out;
                });
    }

    /**
     * Creates or replaces the account's budget {@code name}. A budget whose terms change starts
     * afresh: its breach in the current period is forgotten (a notify budget notifies again when
     * crossed again).
     */
    public CompletionStage<BudgetState> put(Account account, String name, Metric metric, double limit, Period period, Policy policy,
                                            int throttleCpuCap, Instant now) {
        return sessions.withStatelessTransaction(s -> states(s, now, account.id(), name).thenCompose(existing -> {
            boolean changed = existing.isEmpty() || !sameTerms(existing.get(0).budget(), metric, limit, period, policy, throttleCpuCap);
            CompletionStage<Integer> clear = existing.isEmpty() || !changed ? CompletableFuture.completedStage(0)
                    : Sql.update(s, "delete from metering.budget_breaches where budget_id = cast(cast(?1 as text) as uuid)",
                    existing.get(0).budget().id().toString());
            return clear.thenCompose(v -> Sql.update(s, UPSERT, UUID.randomUUID().toString(), account.id(), name, metric.wireName(), limit,
                            period.wireName(), policy.wireName(), throttleCpuCap, now.toString()))
                    .thenCompose(v -> states(s, now, account.id(), name))
                    .thenApply(states -> states.get(0));
        }));
    }

    private static boolean sameTerms(Budget b, Metric metric, double limit, Period period, Policy policy, int cap) {
        return b.metric() == metric && b.limit() == limit && b.period() == period && b.policy() == policy && b.throttleCpuCap() == cap;
    }

    /** Deletes the account's budget {@code name}; false if it had none by that name. */
    public CompletionStage<Boolean> delete(Account account, String name) {
        return sessions.withStatelessTransaction(s -> Sql.update(s,
                        "delete from metering.budgets where account = cast(cast(?1 as text) as uuid) and name = ?2", account.id(), name))
                .thenApply(n -> n > 0);
    }
}
