package io.gantry.record;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gantry.common.JobKind;
import io.gantry.common.JobState;
import io.gantry.common.Json;
import io.gantry.common.ZoneState;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.stream.Collectors;

/**
 * The one writer of the job record: it queues jobs (with the provisioner's notification), moves them
 * through {@link JobState}, and finishes them with their machine's new state and their audit entry.
 * Everything runs in the caller's open transaction ({@link SqlSession}), so a tenant's admission,
 * machine row and job commit together, and so do metering's throttle and its job.
 */
public final class JobLedger {
    /** The PostgreSQL channel the provisioner LISTENs on: a job was queued. */
    public static final String CHANNEL = "gantry_jobs";

    /** Job parameters keep their nulls: a lifted throttle is {@code {"cpu_cap": null}}. */
    private static final ObjectMapper WITH_NULLS = Json.mapper().copy().setSerializationInclusion(JsonInclude.Include.ALWAYS);

    // created is the time of the insert, not of the transaction's start: the caller holds the machine's
    // lock by then, so jobs on one machine are in the order their transactions took that lock
    // a list's jobs are a microsecond apart in their order, so the provisioner (oldest first) takes them in that order
    private static final String QUEUE = """
            insert into jobs (id, machine_id, action, params, state, caller, created, updated)
            select x."id", x."machine", x."action", x."params", '%s', x."caller", t.now + (e.n - 1) * interval '1 microsecond',
                t.now + (e.n - 1) * interval '1 microsecond'
            from jsonb_array_elements(cast(cast(?1 as text) as jsonb)) with ordinality as e(value, n),
                jsonb_to_record(e.value) as x("id" uuid, "machine" uuid, "action" text, "params" text, "caller" text),
                (select clock_timestamp() as now) t"""
            .formatted(JobState.QUEUED.wireName());

    private static final String NOTIFY = "select 1 from pg_notify('" + CHANNEL + "', '')";

    /** ?3: how the node was chosen, as a JSON object joined to the job's params ({@code {}}: nothing to add). */
    private static final String PLACE_JOB = ("update jobs set state = '%s', node = ?1, params = case when ?3 = '{}' then params"
            + " else cast(cast(params as jsonb) || cast(cast(?3 as text) as jsonb) as text) end, updated = now() where id = ?2 and state = '%s'")
            .formatted(JobState.PLACED.wireName(), JobState.QUEUED.wireName());

    private static final String PLACE_MACHINE = "update machines set compute_node = ?1, updated = now() where id = ?2";

    private static final String DISPATCH = "update jobs set state = '%s', updated = now() where id = ?1 and state = '%s'"
            .formatted(JobState.DISPATCHED.wireName(), JobState.PLACED.wireName());

    private static final String FINISH_MACHINE = "update machines set state = ?1, ip = coalesce(?2, ip), error = ?3, updated = now() where id = ?4";

    /** Answers the job's params as recorded: placement may have added to what the caller read. */
    private static final String FINISH_JOB = "with done as (update jobs set state = ?1, error = ?2, updated = now() where id = ?3"
            + " returning params) select params from done";

    private static final String AUDIT = "insert into audit (machine_id, action, success, time, caller, params)"
            + " values (?1, ?2, ?3, clock_timestamp(), ?4, ?5)";

    private static final String BACK_TO_PACKAGE = "update machines m set package_id = p.id, package_name = p.name, memory = p.memory,"
            + " swap = p.swap, disk = p.disk, vcpus = p.vcpus, cpu_cap = p.cpu_cap, lwps = p.lwps from packages p"
            + " where m.id = ?1 and p.id = ?2";

    private static final String RESIZED = "update machines set resizing_from = null where id = ?1 and not exists"
            + " (select 1 from jobs j where j.machine_id = ?1 and j.action = '%s' and j.state in %s)"
            .formatted(JobKind.RESIZE.wireName(), JobState.OPEN_SQL);

    private static final String OPEN_AMONG = """
            select distinct cast(j.machine_id as text) from jobs j
            where j.state in %s
              and j.machine_id in (select cast(value as uuid) from jsonb_array_elements_text(cast(cast(?1 as text) as jsonb)))"""
            .formatted(JobState.OPEN_SQL);

    /**
     * A job: its id is also the id of the task the node runs; {@code caller} is who asked (a tenant's
     * description, or {@code metering}), kept on the job and on its audit entry.
     */
    public record Job(UUID id, UUID machine, JobKind kind, Map<String, Object> params, String caller) {
        public Job {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(machine, "machine");
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(caller, "caller");
            params = params == null ? Map.of() : params;
        }

        /** A new job, with a fresh id. */
        public static Job of(UUID machine, JobKind kind, Map<String, Object> params, String caller) {
            return new Job(UUID.randomUUID(), machine, kind, params, caller);
        }
    }

    /** One row of {@link #QUEUE}'s JSON. */
    private record Queued(UUID id, UUID machine, String action, String params, String caller) {
    }

    private final SqlSession sql;

    public JobLedger(SqlSession sql) {
        this.sql = sql;
    }

    /** Records {@code job} as queued and tells the provisioner (at commit: NOTIFY is transactional). */
    public CompletionStage<Void> queue(Job job) {
        return queue(List.of(job));
    }

    /** Records every job as queued in one statement, with one notification; the provisioner takes them in the list's order. */
    public CompletionStage<Void> queue(List<Job> jobs) {
        if (jobs.isEmpty()) {
            return CompletableFuture.completedStage(null);
        }
        List<Queued> rows = jobs.stream()
                .map(j -> new Queued(j.id(), j.machine(), j.kind().wireName(), json(j.params()), j.caller()))
                .toList();
        return sql.update(QUEUE, json(rows))
                .thenCompose(n -> sql.rows(NOTIFY))
                .thenApply(r -> null);
    }

    /**
     * Records that {@code job} goes to {@code node}; false if it was no longer queued (another leader
     * moved it on). A non-empty {@code placement} (how the node was chosen: scores, nodes evaluated)
     * joins the job's params under {@code "placement"}, so the job's audit entry keeps it.
     */
    public CompletionStage<Boolean> markPlaced(UUID job, UUID machine, String node, Map<String, Object> placement) {
        String added = placement.isEmpty() ? "{}" : json(Map.of("placement", placement));
        return sql.update(PLACE_JOB, node, job, added).thenCompose(n -> n == 0
                ? CompletableFuture.completedStage(false)
                : sql.update(PLACE_MACHINE, node, machine).thenApply(m -> true));
    }

    /** Records that the job's task is on its node; false if the job was not placed. */
    public CompletionStage<Boolean> markDispatched(UUID job) {
        return sql.update(DISPATCH, job).thenApply(n -> n > 0);
    }

    /**
     * Ends a job: the machine's new state (and address, kept when {@code ip} is null, and error), the
     * job's outcome ({@code error} null: succeeded), and its audit entry at the time it ended. A failed
     * resize puts the machine back on its {@code from} package; an answered resize clears
     * {@code resizing_from} unless another resize of the machine is still open.
     */
    public CompletionStage<Void> finish(Job job, ZoneState machineState, String ip, String error) {
        boolean failed = error != null;
        JobState outcome = failed ? JobState.FAILED : JobState.SUCCEEDED;
        CompletionStage<Integer> done = sql.update(FINISH_MACHINE, machineState.wireName(), ip, error, job.machine())
                .thenCompose(n -> sql.rows(FINISH_JOB, outcome.wireName(), error, job.id()))
                .thenCompose(rows -> {
                    Map<String, Object> audited = new LinkedHashMap<>(rows.isEmpty() || rows.get(0)[0] == null
                            ? job.params() : Json.read(rows.get(0)[0].toString(), Map.class));
                    if (failed) {
                        audited.put("error", error);
                    }
                    return sql.update(AUDIT, job.machine(), job.kind().wireName(), !failed, job.caller(), Json.write(audited));
                });
        if (job.kind() == JobKind.RESIZE) {
            Object from = job.params().get("from");
            if (failed && from != null) {
                done = done.thenCompose(n -> sql.update(BACK_TO_PACKAGE, job.machine(), UUID.fromString(from.toString())));
            }
            // the node has answered: the API shows the package the machine now has
            done = done.thenCompose(n -> sql.update(RESIZED, job.machine()));
        }
        return done.thenApply(n -> null);
    }

    private static final String ABANDON_JOBS = "update jobs set state = '%s', error = ?1, updated = now() where machine_id = ?2 and state in %s"
            .formatted(JobState.FAILED.wireName(), JobState.OPEN_SQL);

    private static final String ABANDON_MACHINE = ("update machines set state = '%s', error = ?1, compute_node = null, updated = now()"
            + " where id = ?2").formatted(ZoneState.FAILED.wireName());

    /**
     * Gives up on a machine whose node is gone for good: its open jobs fail with {@code error}, the machine
     * is {@code failed} with that error and no longer on any node (so a delete finishes without a node to
     * ask), and one audit entry ({@code action}) says who did it.
     */
    public CompletionStage<Void> abandon(UUID machine, String action, String error, String caller) {
        return sql.update(ABANDON_JOBS, error, machine)
                .thenCompose(n -> sql.update(ABANDON_MACHINE, error, machine))
                .thenCompose(n -> sql.update(AUDIT, machine, action, false, caller, Json.write(Map.of("error", error))))
                .thenApply(n -> null);
    }

    /** Which of {@code machines} have an open job (queued, placed or dispatched): a machine with one is busy. */
    public CompletionStage<Set<UUID>> withOpenJobs(Collection<UUID> machines) {
        if (machines.isEmpty()) {
            return CompletableFuture.completedStage(Set.of());
        }
        return sql.rows(OPEN_AMONG, json(machines.stream().map(UUID::toString).toList()))
                .thenApply(rows -> rows.stream().map(r -> UUID.fromString(r[0].toString())).collect(Collectors.toUnmodifiableSet()));
    }

    private static String json(Object value) {
        try {
            return WITH_NULLS.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }
}
