package io.gantry.record;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gantry.common.JobKind;
import io.gantry.common.JobState;
import io.gantry.common.Json;
import io.gantry.common.ZoneState;
import io.gantry.common.coord.TaskResult;
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

    /** A job's param that is a secret for its tasks only (an evacuation's transfer token): dropped when the job ends. */
    public static final String SECRET_PARAM = "token";

    /** A job's param for its nodes only (where an evacuation's source offered the disk): kept on the job, not in the audit tenants read. */
    public static final String NODE_ONLY_PARAM = "disk";

    /** ?2: a JSON object joined to the params of a job still open; a step of a job with several tasks records where it is. */
    private static final String ADVANCE = ("update jobs set params = cast(cast(params as jsonb) || cast(cast(?2 as text) as jsonb) as text),"
            + " updated = now() where id = ?1 and state in %s").formatted(JobState.OPEN_SQL);

    private static final String DISPATCH = "update jobs set state = '%s', updated = now() where id = ?1 and state = '%s'"
            .formatted(JobState.DISPATCHED.wireName(), JobState.PLACED.wireName());

    /** A machine with NICs keeps the address the control plane gave it; one without (made before V14) takes what its node reports. */
    private static final String FINISH_MACHINE = "update machines set state = ?1, ip = case when exists (select 1 from nics n"
            + " where n.machine_id = ?4) then ip else coalesce(?2, ip) end, error = ?3, updated = now() where id = ?4";

    /** A deleted machine's NICs go, and so its addresses are free again: in the transaction that records it deleted. */
    private static final String RELEASE_NICS = "delete from nics where machine_id = ?1";

    /** The node has wired the machine's new NICs (a provision's, an added one's). */
    private static final String NICS_WIRED = "update nics set state = 'running' where machine_id = ?1 and state = 'provisioning'";

    /** The node has taken the removed NICs out: their addresses are free. */
    private static final String NICS_REMOVED = "delete from nics where machine_id = ?1 and state = 'removing'";

    /** A NIC change the node could not make is undone: added NICs go, removed ones stay. */
    private static final String NICS_NOT_ADDED = "delete from nics where machine_id = ?1 and state = 'provisioning'";
    private static final String NICS_NOT_REMOVED = "update nics set state = 'running' where machine_id = ?1 and state = 'removing'";

    /** machines.networks and machines.ip follow the machine's NICs (primary first, then in the order they were made). */
    private static final String NETWORKS_FROM_NICS = "update machines m set networks = coalesce((select cast(json_agg(cast(n.network_id"
            + " as text) order by n.primary_nic desc, n.created, n.mac) as text) from nics n where n.machine_id = m.id), '[]'),"
            + " ip = coalesce((select n.ip from nics n where n.machine_id = m.id and n.primary_nic), m.ip) where m.id = ?1";

    /** Answers the job's params as recorded: placement may have added to what the caller read. */
    private static final String FINISH_JOB = "with done as (update jobs set state = ?1, error = ?2, updated = now(),"
            + " params = cast(cast(params as jsonb) - '" + SECRET_PARAM + "' as text) where id = ?3"
            + " returning params) select params from done";

    /**
     * Whether the machine's account is disabled, under a share lock of the account's row: an operator's disable
     * holds that row's write lock while it picks the running machines to stop, so either it sees this job's
     * machine running (this transaction committed first) or this transaction sees the account disabled.
     */
    private static final String ACCOUNT_DISABLED = "select a.disabled_at is not null from accounts a"
            + " where a.id = (select m.account_id from machines m where m.id = ?1) for share";

    private static final String OTHER_OPEN = "select count(*) from jobs where machine_id = ?1 and id <> ?2 and state in "
            + JobState.OPEN_SQL;

    private static final String OBSERVED = "update machines set state = ?1, ip = case when exists (select 1 from nics n"
            + " where n.machine_id = ?3) then ip else coalesce(?2, ip) end, updated = now() where id = ?3";

    /** The caller of the stop job {@link #finish} queues for a machine of a disabled account. */
    public static final String ACCOUNT_DISABLED_CALLER = "account disabled";

    private static final String AUDIT = "insert into audit (machine_id, action, success, time, caller, params)"
            + " values (?1, ?2, ?3, clock_timestamp(), ?4, ?5)";

    private static final String BACK_TO_PACKAGE = "update machines m set package_id = p.id, package_name = p.name, memory = p.memory,"
            + " swap = p.swap, disk = p.disk, vcpus = p.vcpus, cpu_cap = p.cpu_cap, lwps = p.lwps from packages p"
            + " where m.id = ?1 and p.id = ?2";

    private static final String RESIZED = "update machines set resizing_from = null where id = ?1 and not exists"
            + " (select 1 from jobs j where j.machine_id = ?1 and j.action = '%s' and j.state in %s)"
            .formatted(JobKind.RESIZE.wireName(), JobState.OPEN_SQL);

    /** The job's param naming the image an IMAGE_CREATE job makes (its row in {@code images}, state creating). */
    public static final String MADE_IMAGE_PARAM = "made_image";

    private static final String IMAGE_MADE = "update images set state = 'active', node_image = ?1, size_bytes = ?2, error = null,"
            + " published_at = now() where id = ?3 and state = 'creating'";

    private static final String IMAGE_FAILED = "update images set state = 'failed', error = ?1 where id = ?2 and state = 'creating'";

    /** A machine given up: the images still being made from it will never be. */
    private static final String ABANDON_IMAGES = "update images set state = 'failed', error = ?1 where origin_machine = ?2"
            + " and state = 'creating'";

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

    /**
     * Records that {@code job} goes to {@code node} without moving its machine there (yet): an evacuation's target,
     * while the machine stays on its node until the target has it. {@code added} joins the job's params. False if the
     * job was no longer queued.
     */
    public CompletionStage<Boolean> markPlacedAway(UUID job, String node, Map<String, Object> added) {
        return sql.update(PLACE_JOB, node, job, json(added)).thenApply(n -> n > 0);
    }

    /**
     * Joins {@code added} to the params of a job that is still open: how a job of several tasks records the step it
     * has reached, so a new leader carries on from there. False if the job is finished.
     */
    public CompletionStage<Boolean> advance(UUID job, Map<String, Object> added) {
        return sql.update(ADVANCE, job, json(added)).thenApply(n -> n > 0);
    }

    /**
     * An evacuated machine is now on {@code node} (its target has the zone): the machine's {@code compute_node} and
     * the job's params ({@code added}) change together. False, and nothing changed, if the job is finished.
     */
    public CompletionStage<Boolean> moveMachine(UUID job, UUID machine, String node, Map<String, Object> added) {
        return advance(job, added).thenCompose(open -> open
                ? sql.update(PLACE_MACHINE, node, machine).thenApply(n -> true)
                : CompletableFuture.completedStage(false));
    }

    /** Records that the job's task is on its node; false if the job was not placed. */
    public CompletionStage<Boolean> markDispatched(UUID job) {
        return sql.update(DISPATCH, job).thenApply(n -> n > 0);
    }

    /**
     * Ends a job: the machine's new state (and address, kept when {@code ip} is null, and error), the
     * job's outcome ({@code error} null: succeeded), and its audit entry at the time it ended. A failed
     * resize puts the machine back on its {@code from} package; an answered resize clears
     * {@code resizing_from} unless another resize of the machine is still open. A machine of a disabled account
     * that would end {@code running} ends {@code stopping} instead, with a stop job queued in this transaction.
     */
    public CompletionStage<Void> finish(Job job, ZoneState machineState, String ip, String error) {
        return finish(job, machineState, ip, error, null);
    }

    /**
     * As {@link #finish(Job, ZoneState, String, String)}, with the image an IMAGE_CREATE task made ({@code image}; null
     * for other jobs): the job's image ({@link #MADE_IMAGE_PARAM}) becomes active with that file, or failed with the
     * job's error, in the same transaction.
     */
    public CompletionStage<Void> finish(Job job, ZoneState machineState, String ip, String error, TaskResult.MadeImage image) {
        if (job.kind() == JobKind.IMAGE_CREATE && error == null && image == null) {
            error = "the node answered without the image it made";
        }
        String err = error;
        CompletionStage<Void> finished = finishMachineAndJob(job, machineState, ip, err);
        return job.kind() != JobKind.IMAGE_CREATE ? finished : finished.thenCompose(v -> settleImage(job, err, image));
    }

    private CompletionStage<Void> settleImage(Job job, String error, TaskResult.MadeImage image) {
        Object made = job.params().get(MADE_IMAGE_PARAM);
        if (made == null) {
            return CompletableFuture.completedStage(null);
        }
        UUID id = UUID.fromString(made.toString());
        CompletionStage<Integer> done = error != null
                ? sql.update(IMAGE_FAILED, error, id)
                : sql.update(IMAGE_MADE, image.digest(), image.sizeBytes(), id);
        return done.thenApply(n -> null);
    }

    private CompletionStage<Void> finishMachineAndJob(Job job, ZoneState machineState, String ip, String error) {
        if (machineState != ZoneState.RUNNING) {
            return finishAs(job, machineState, ip, error);
        }
        return stopsForDisabledAccount(job.machine(), job.id()).thenCompose(stop -> stop
                ? finishAs(job, ZoneState.STOPPING, ip, error)
                        .thenCompose(v -> queue(Job.of(job.machine(), JobKind.STOP, Map.of(), ACCOUNT_DISABLED_CALLER)))
                : finishAs(job, machineState, ip, error));
    }

    /**
     * Records the state a node reports for a machine that has no open job (its zone came back after its node was
     * lost, say), and its address when known. A machine of a disabled account reported {@code running} is recorded
     * {@code stopping} with a stop job queued, as {@link #finish} does.
     */
    public CompletionStage<Void> observed(UUID machine, ZoneState state, String ip) {
        if (state != ZoneState.RUNNING) {
            return sql.update(OBSERVED, state.wireName(), ip, machine).thenApply(n -> null);
        }
        return stopsForDisabledAccount(machine, null).thenCompose(stop -> stop
                ? sql.update(OBSERVED, ZoneState.STOPPING.wireName(), ip, machine)
                        .thenCompose(n -> queue(Job.of(machine, JobKind.STOP, Map.of(), ACCOUNT_DISABLED_CALLER)))
                : sql.update(OBSERVED, state.wireName(), ip, machine).thenApply(n -> null));
    }

    /**
     * A machine of a disabled account that would end running gets a stop job (the disable stopped the machines that
     * ran then; this one was still provisioning or starting), unless another job of it is open: that job's end
     * asks again.
     */
    private CompletionStage<Boolean> stopsForDisabledAccount(UUID machine, UUID endingJob) {
        // no job has the nil id: with no job ending, every open job of the machine counts
        UUID except = endingJob == null ? new UUID(0, 0) : endingJob;
        return sql.rows(ACCOUNT_DISABLED, machine).thenCompose(rows -> rows.isEmpty() || !Boolean.TRUE.equals(rows.get(0)[0])
                ? CompletableFuture.completedStage(false)
                : sql.rows(OTHER_OPEN, machine, except).thenApply(open -> ((Number) open.get(0)[0]).longValue() == 0));
    }

    private CompletionStage<Void> finishAs(Job job, ZoneState machineState, String ip, String error) {
        boolean failed = error != null;
        JobState outcome = failed ? JobState.FAILED : JobState.SUCCEEDED;
        CompletionStage<Integer> done = sql.update(FINISH_MACHINE, machineState.wireName(), ip, error, job.machine())
                .thenCompose(n -> sql.rows(FINISH_JOB, outcome.wireName(), error, job.id()))
                .thenCompose(rows -> audit(job, rows, error));
        done = done.thenCompose(n -> settleNics(job, machineState, failed));
        done = done.thenCompose(n -> settleSnapshots(job, machineState, failed));
        return settleResize(job, failed, done).thenApply(n -> null);
    }

    /** The job's one audit entry; {@code ended}: the params the job's end returned (none: the caller's). */
    private CompletionStage<Integer> audit(Job job, List<Object[]> ended, String error) {
        Map<String, Object> audited = new LinkedHashMap<>(ended.isEmpty() || ended.get(0)[0] == null
                ? job.params() : Json.read(ended.get(0)[0].toString(), Map.class));
        audited.remove(SECRET_PARAM);
        audited.remove(NODE_ONLY_PARAM);
        if (error != null) {
            audited.put("error", error);
        }
        return sql.update(AUDIT, job.machine(), job.kind().wireName(), error == null, job.caller(), Json.write(audited));
    }

    /** A failed resize puts the machine back on its {@code from} package; an ended one clears resizing_from unless another is open. */
    private CompletionStage<Integer> settleResize(Job job, boolean failed, CompletionStage<Integer> done) {
        if (job.kind() != JobKind.RESIZE) {
            return done;
        }
        Object from = job.params().get("from");
        if (failed && from != null) {
            done = done.thenCompose(n -> sql.update(BACK_TO_PACKAGE, job.machine(), UUID.fromString(from.toString())));
        }
        // the resize is over (answered, or superseded by a delete): the API shows the package the machine now has
        return done.thenCompose(n -> sql.update(RESIZED, job.machine()));
    }

    /**
     * A job no node has acted on yet (queued, or placed without its task written) that the machine's delete makes
     * pointless: a delete of the machine queued after it, or the machine already deleted. Only the provisioner, which
     * alone writes tasks, can tell that a placed job's task is not on its node.
     */
    private static final String SUPERSEDE_JOB = ("with done as (update jobs j set state = '%s', error = ?1, updated = now(),"
            + " params = cast(cast(j.params as jsonb) - '" + SECRET_PARAM + "' as text)"
            + " where j.id = ?2 and j.state in ('%s', '%s') and j.action <> '%s'"
            + " and (exists (select 1 from jobs d where d.machine_id = j.machine_id and d.action = '%s' and d.state in %s"
            + " and (d.created, d.id) > (j.created, j.id))"
            + " or exists (select 1 from machines m where m.id = j.machine_id and m.state = '%s'))"
            + " returning j.params) select params from done")
            .formatted(JobState.FAILED.wireName(), JobState.QUEUED.wireName(), JobState.PLACED.wireName(), JobKind.DELETE.wireName(),
                    JobKind.DELETE.wireName(), JobState.OPEN_SQL, ZoneState.DELETED.wireName());

    /** A provision that never reached its node leaves the machine on no node: nothing holds its room, nothing is there to delete. */
    private static final String NEVER_PLACED = "update machines set compute_node = null, updated = now() where id = ?1";

    /**
     * Ends {@code job}, which no node has acted on, because its machine is being (or has been) deleted: a later
     * desired state supersedes an earlier one not yet carried out. The job fails with {@code why} in its audit
     * entry; a superseded provision takes the machine off the node it was placed on, so the delete that follows
     * has no node to ask and its room is free. The machine's state is the delete's to set. False, and nothing
     * changed, if the job is no longer queued or placed (another leader moved it on) or no delete supersedes it.
     */
    public CompletionStage<Boolean> supersede(Job job, String why) {
        return sql.rows(SUPERSEDE_JOB, why, job.id()).thenCompose(rows -> {
            if (rows.isEmpty()) {
                return CompletableFuture.completedStage(false);
            }
            CompletionStage<Integer> done = audit(job, rows, why);
            if (job.kind() == JobKind.PROVISION) {
                done = done.thenCompose(n -> sql.update(NEVER_PLACED, job.machine()));
            }
            return settleResize(job, true, done).thenApply(n -> true);
        });
    }

    /** What a job's end means for the machine's NICs: released with a delete, wired by a provision, changed by UPDATE_NICS. */
    private CompletionStage<Integer> settleNics(Job job, ZoneState machineState, boolean failed) {
        if (machineState == ZoneState.DELETED) {
            return sql.update(RELEASE_NICS, job.machine());
        }
        if (job.kind() == JobKind.PROVISION && !failed) {
            return sql.update(NICS_WIRED, job.machine());
        }
        if (job.kind() == JobKind.UPDATE_NICS) {
            CompletionStage<Integer> settled = failed
                    ? sql.update(NICS_NOT_ADDED, job.machine()).thenCompose(n -> sql.update(NICS_NOT_REMOVED, job.machine()))
                    : sql.update(NICS_WIRED, job.machine()).thenCompose(n -> sql.update(NICS_REMOVED, job.machine()));
            return settled.thenCompose(n -> sql.update(NETWORKS_FROM_NICS, job.machine()));
        }
        return CompletableFuture.completedStage(0);
    }

    /** A deleted machine's snapshots go with it (their disk went with the zone). */
    private static final String DELETE_SNAPSHOTS = "delete from machine_snapshots where machine_id = ?1";

    /** ?1 the snapshot's new state, ?2 the disk it takes (null: unknown, kept); one the tenant is already deleting stays so. */
    private static final String SNAPSHOT_MADE = "update machine_snapshots set state = case when state = 'deleting' then state else ?1 end,"
            + " size_bytes = coalesce(cast(?2 as bigint), size_bytes), updated = now() where machine_id = ?3 and name = ?4";

    private static final String SNAPSHOT_DELETED = "delete from machine_snapshots where machine_id = ?1 and name = ?2";

    /** A delete that failed leaves the snapshot as it was before (failed ones stay failed: they hold no disk). */
    private static final String SNAPSHOT_NOT_DELETED = "update machine_snapshots set state = case when size_bytes is null then 'failed'"
            + " else 'created' end, updated = now() where machine_id = ?1 and name = ?2 and state = 'deleting'";

    /** The job param a SNAPSHOT_CREATE's collector joins from its node's answer: the bytes the snapshot takes. */
    public static final String SNAPSHOT_BYTES_PARAM = "size_bytes";

    /**
     * What a job's end means for the machine's snapshots (the job's {@code name} param): made or failed with a
     * SNAPSHOT_CREATE, gone with a SNAPSHOT_DELETE, all gone with the machine.
     */
    private CompletionStage<Integer> settleSnapshots(Job job, ZoneState machineState, boolean failed) {
        if (machineState == ZoneState.DELETED) {
            return sql.update(DELETE_SNAPSHOTS, job.machine());
        }
        Object name = job.params().get("name");
        if (name == null) {
            return CompletableFuture.completedStage(0);
        }
        return switch (job.kind()) {
            case SNAPSHOT_CREATE -> {
                Object bytes = job.params().get(SNAPSHOT_BYTES_PARAM);
                yield sql.update(SNAPSHOT_MADE, failed ? "failed" : "created",
                        failed || bytes == null ? null : ((Number) bytes).longValue(), job.machine(), name.toString());
            }
            case SNAPSHOT_DELETE -> failed
                    ? sql.update(SNAPSHOT_NOT_DELETED, job.machine(), name.toString())
                    : sql.update(SNAPSHOT_DELETED, job.machine(), name.toString());
            default -> CompletableFuture.completedStage(0);
        };
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
                .thenCompose(n -> sql.update(ABANDON_IMAGES, error, machine))
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
