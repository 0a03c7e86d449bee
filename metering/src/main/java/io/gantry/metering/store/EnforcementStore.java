package io.gantry.metering.store;

import io.gantry.common.JobKind;
import io.gantry.metering.budget.BudgetState;
import io.gantry.metering.budget.Enforcement;
import io.gantry.metering.budget.Policy;
import io.gantry.record.HibernateSql;
import io.gantry.record.JobLedger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.hibernate.reactive.stage.Stage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One enforcement pass in one transaction, written into the control plane's tables as the cloud API
 * itself writes a change: the machine row, and a queued job (caller {@code metering}, with its
 * notification) through the {@link JobLedger}, which the provisioner turns into a task and finishes
 * with its audit entry. Notify budgets write their audit entries here, once per budget and period.
 *
 * <p>Machines are first read without locks; only those that need an action are then locked
 * ({@code for update}, after which their state and open jobs are read again) and acted on, so a
 * tenant's concurrent start or stop is either seen or waits for us, and quiet ticks lock nothing.
 */
public final class EnforcementStore {
    private static final Logger LOG = LoggerFactory.getLogger(EnforcementStore.class);
    /** pg_advisory_xact_lock key of enforcement ("gantry-e"). */
    static final long ENFORCE_LOCK = 0x67616e7472792d65L;
    /** Who enforcement's jobs and audit entries say asked. */
    private static final String CALLER = "metering";

    private static final String RECORD_BREACHES = """
            with ins as (
                insert into metering.budget_breaches (budget_id, period_start, breached_at, used)
                select x."budget", x."periodStart", x."at", x."used"
                from jsonb_to_recordset(cast(cast(?1 as text) as jsonb)) as x("budget" uuid, "periodStart" timestamptz, "at" timestamptz,
                    "used" double precision)
                on conflict (budget_id, period_start) do nothing
                returning budget_id)
            select cast(budget_id as text), 0 from ins""";

    private static final String AUDIT = """
            insert into audit (machine_id, action, success, time, caller, params)
            select m.id, 'budget_exceeded', true, clock_timestamp(), 'metering', x."params"
            from jsonb_to_recordset(cast(cast(?1 as text) as jsonb)) as x("account" uuid, "params" text)
            join machines m on m.account_id = x."account" and m.state <> 'deleted'""";

    private static final String CANDIDATES = """
            select cast(m.id as text), cast(m.account_id as text), m.state, m.cpu_throttle
            from machines m
            where m.state <> 'deleted' and (m.cpu_throttle is not null
                or m.account_id in (select cast(value as uuid) from jsonb_array_elements_text(cast(cast(?1 as text) as jsonb))))""";

    private static final String LOCK_MACHINES = """
            select cast(m.id as text), cast(m.account_id as text), m.state, m.cpu_throttle
            from machines m
            where m.id in (select cast(value as uuid) from jsonb_array_elements_text(cast(cast(?1 as text) as jsonb)))
            order by m.id
            for update""";

    private static final String SET_THROTTLE = """
            update machines m set cpu_throttle = x."cap", updated = now()
            from jsonb_to_recordset(cast(cast(?1 as text) as jsonb)) as x("id" uuid, "cap" int) where m.id = x."id\"""";

    private static final String SET_STOPPING = """
            update machines m set state = 'stopping', updated = now()
            from jsonb_to_recordset(cast(cast(?1 as text) as jsonb)) as x("id" uuid) where m.id = x."id\"""";

    private record Breach(UUID budget, Instant periodStart, Instant at, double used) {
    }

    private record Notice(UUID account, String params) {
    }

    private record MachineCap(UUID id, Integer cap) {
    }

    private record MachineId(UUID id) {
    }

    /** What a pass did, for logs and metrics. */
    public record Outcome(List<BudgetState> states, List<BudgetState> newlyBreached, int notified, int throttled, int unthrottled,
                          int stopped) {
    }

    private final Stage.SessionFactory sessions;

    public EnforcementStore(MeteringDatabase db) {
        this.sessions = db.sessions();
    }

    public CompletionStage<Outcome> enforce(Instant now) {
        return sessions.withStatelessTransaction(s -> Sql.lock(s, ENFORCE_LOCK)
                .thenCompose(v -> BudgetStore.states(s, now, null, null))
                .thenCompose(states -> {
                    List<BudgetState> exceeded = states.stream().filter(BudgetState::exceeded).toList();
                    Enforcement.Verdicts verdicts = Enforcement.verdicts(states);
                    return recordBreaches(s, exceeded, now)
                            .thenCompose(fresh -> notifyAudit(s, fresh)
                                    .thenCompose(notified -> act(s, verdicts)
                                            .thenApply(counts -> new Outcome(states, fresh, notified, counts[0], counts[1], counts[2]))));
                }));
    }

    private static CompletionStage<List<BudgetState>> recordBreaches(Stage.StatelessSession s, List<BudgetState> exceeded, Instant now) {
        if (exceeded.isEmpty()) {
            return CompletableFuture.completedStage(List.of());
        }
        List<Breach> breaches = exceeded.stream().map(b -> new Breach(b.budget().id(), b.periodStart(), now, b.used())).toList();
        return Sql.rows(s, RECORD_BREACHES, Sql.json(breaches)).thenApply(rows -> {
            Set<String> fresh = new HashSet<>();
            for (Object[] r : rows) {
                fresh.add(Sql.str(r[0]));
            }
            return exceeded.stream().filter(b -> fresh.contains(b.budget().id().toString()))
                    .map(b -> new BudgetState(b.budget(), b.used(), b.periodStart(), b.periodEnd(), now)).toList();
        });
    }

    /** Audit entries on every machine of the accounts whose notify budget was just breached. */
    private static CompletionStage<Integer> notifyAudit(Stage.StatelessSession s, List<BudgetState> fresh) {
        List<Notice> notices = new ArrayList<>();
        for (BudgetState b : fresh) {
            LOG.warn("budget {} of account {} exceeded: {} {} used of {} this {} (since {}); policy {}", b.budget().name(),
                    b.budget().account(), b.used(), b.budget().metric().wireName(), b.budget().limit(), b.budget().period().wireName(),
                    b.periodStart(), b.budget().policy().wireName());
            if (b.budget().policy() == Policy.NOTIFY) {
                Map<String, Object> params = params(b);
                params.put("period_start", b.periodStart().toString());
                params.put("policy", b.budget().policy().wireName());
                notices.add(new Notice(UUID.fromString(b.budget().account()), Sql.json(params)));
            }
        }
        if (notices.isEmpty()) {
            return CompletableFuture.completedStage(0);
        }
        return Sql.update(s, AUDIT, Sql.json(notices));
    }

    /** Throttles, lifts throttles and stops as {@link Enforcement#plan} says; answers {throttled, unthrottled, stopped}. */
    private static CompletionStage<int[]> act(Stage.StatelessSession s, Enforcement.Verdicts verdicts) {
        return machines(s, CANDIDATES, List.copyOf(verdicts.accounts())).thenCompose(candidates -> {
            List<Enforcement.Action> draft = Enforcement.plan(verdicts, candidates);
            if (draft.isEmpty()) {
                return CompletableFuture.completedStage(new int[3]);
            }
            List<String> ids = draft.stream().map(a -> a.machine().id().toString()).toList();
            return machines(s, LOCK_MACHINES, ids).thenCompose(locked -> apply(s, Enforcement.plan(verdicts, locked)));
        });
    }

    /** Machines chosen by {@code sql} (its ?1 a JSON array of uuids), with whether each has an open job. */
    private static CompletionStage<List<Enforcement.Machine>> machines(Stage.StatelessSession s, String sql, List<String> ids) {
        return Sql.rows(s, sql, Sql.json(ids)).thenCompose(rows -> {
            if (rows.isEmpty()) {
                return CompletableFuture.completedStage(List.<Enforcement.Machine>of());
            }
            List<UUID> machineIds = rows.stream().map(r -> UUID.fromString(Sql.str(r[0]))).toList();
            return new JobLedger(HibernateSql.of(s)).withOpenJobs(machineIds).thenApply(busy -> {
                List<Enforcement.Machine> out = new ArrayList<>(rows.size());
                for (Object[] r : rows) {
                    UUID id = UUID.fromString(Sql.str(r[0]));
                    out.add(new Enforcement.Machine(id, Sql.str(r[1]), Sql.str(r[2]), Sql.intOrNull(r[3]), busy.contains(id)));
                }
                return out;
            });
        });
    }

    private static CompletionStage<int[]> apply(Stage.StatelessSession s, List<Enforcement.Action> actions) {
        List<MachineCap> caps = new ArrayList<>();
        List<MachineId> stops = new ArrayList<>();
        List<JobLedger.Job> jobs = new ArrayList<>();
        int[] counts = new int[3];
        for (Enforcement.Action a : actions) {
            UUID machine = a.machine().id();
            if (a instanceof Enforcement.Throttle t) {
                caps.add(new MachineCap(machine, t.cpuCap()));
                Map<String, Object> params;
                if (t.cpuCap() == null) {
                    params = new LinkedHashMap<>();
                    params.put("cpu_cap", null);
                    params.put("reason", "no budget exceeded");
                    counts[1]++;
                } else {
                    params = params(t.because());
                    params.put("cpu_cap", t.cpuCap());
                    counts[0]++;
                }
                jobs.add(JobLedger.Job.of(machine, JobKind.THROTTLE, params, CALLER));
            } else if (a instanceof Enforcement.Stop st) {
                stops.add(new MachineId(machine));
                Map<String, Object> params = params(st.because());
                params.put("reason", "budget " + st.because().budget().name() + " exceeded: " + st.because().used() + " "
                        + st.because().budget().metric().wireName() + " used of " + st.because().budget().limit() + " this "
                        + st.because().budget().period().wireName());
                jobs.add(JobLedger.Job.of(machine, JobKind.STOP, params, CALLER));
                counts[2]++;
            }
        }
        if (jobs.isEmpty()) {
            return CompletableFuture.completedStage(counts);
        }
        for (Enforcement.Action a : actions) {
            LOG.info("budget enforcement: {} machine {} of account {}", a instanceof Enforcement.Stop ? "stopping"
                    : ((Enforcement.Throttle) a).cpuCap() == null ? "lifting the throttle of" : "throttling", a.machine().id(), a.machine().account());
        }
        CompletionStage<?> chain = CompletableFuture.completedStage(null);
        if (!caps.isEmpty()) {
            chain = chain.thenCompose(v -> Sql.update(s, SET_THROTTLE, Sql.json(caps)));
        }
        if (!stops.isEmpty()) {
            chain = chain.thenCompose(v -> Sql.update(s, SET_STOPPING, Sql.json(stops)));
        }
        return chain.thenCompose(v -> new JobLedger(HibernateSql.of(s)).queue(jobs)).thenApply(v -> counts);
    }

    private static Map<String, Object> params(BudgetState b) {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("budget", b.budget().name());
        params.put("metric", b.budget().metric().wireName());
        params.put("limit", b.budget().limit());
        params.put("used", b.used());
        return params;
    }
}
