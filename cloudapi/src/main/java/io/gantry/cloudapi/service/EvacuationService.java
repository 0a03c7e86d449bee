package io.gantry.cloudapi.service;

import io.gantry.cloudapi.store.Database;
import io.gantry.cloudapi.store.ImageRecord;
import io.gantry.cloudapi.store.MachineRecord;
import io.gantry.common.ErrorCode;
import io.gantry.common.GantryException;
import io.gantry.common.JobKind;
import io.gantry.common.JobState;
import io.gantry.common.Json;
import io.gantry.common.MachineLifecycle;
import io.gantry.common.ZoneSpec;
import io.gantry.common.ZoneState;
import io.gantry.record.HibernateSql;
import io.gantry.record.JobLedger;
import io.vertx.core.Future;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.regex.Pattern;
import org.hibernate.LockMode;
import org.hibernate.reactive.stage.Stage;

/**
 * Operators' evacuations: a stopped machine queued to move to another node ({@link JobKind#MIGRATE}, carried out by
 * the provisioner), the machines of a node, and where a job is. Refuses, changing nothing: an unknown machine
 * (ResourceNotFound), one that is not stopped or has a job open (InvalidState), a target that is not a node's name
 * or is the machine's own node (InvalidArgument), one the record does not know (ResourceNotFound), or one retired or in
 * maintenance (InvalidState).
 */
public final class EvacuationService {
    /** A node's name, as agents are named ({@code AgentConfig}). */
    private static final Pattern NODE = Pattern.compile("[a-z0-9][a-z0-9-]{0,15}");

    private static final String OPEN_JOB = "select action from jobs where machine_id = ?1 and state in " + JobState.OPEN_SQL
            + " order by created limit 1";
    private static final String ON_NODE = "select cast(m.id as text), m.name, a.login, m.state, m.ip from machines m"
            + " join accounts a on a.id = m.account_id where m.compute_node = ?1 and m.state <> 'deleted' order by m.created, m.id";
    private static final String JOB = "select cast(j.machine_id as text), j.action, j.state, j.node, j.params, j.error, j.created, j.updated"
            + " from jobs j where j.id = ?1";

    /** A queued evacuation. */
    public record Evacuation(UUID job, UUID machine, String source, String target) {
    }

    /** A machine as an operator sees it on a node. */
    public record NodeMachine(String id, String name, String owner, String state, String ip) {
    }

    /** Where a job is; for an evacuation, its step and its nodes (never its token). */
    public record JobStatus(UUID id, String machine, String action, String state, String step, String source, String target,
                            String error, Object created, Object updated) {
    }

    private final Stage.SessionFactory sessions;

    public EvacuationService(Database db) {
        this.sessions = db.sessions();
    }

    /** Queues the machine's evacuation, to {@code target} or (null) wherever placement chooses. */
    public Future<Evacuation> evacuate(Caller operator, String machineId, String target) {
        requireOperator(operator);
        UUID id = ZoneSpec.parseUuid(machineId);
        if (target != null && !NODE.matcher(target).matches()) {
            throw GantryException.invalid("node must be a node's name (1-16 lower-case letters, digits or '-'); got '" + target + "'");
        }
        return Futures.of(sessions.withTransaction((s, tx) -> s.find(MachineRecord.class, id, LockMode.PESSIMISTIC_WRITE)
                .thenCompose(m -> {
                    if (m == null || ZoneState.DELETED.wireName().equals(m.state)) {
                        throw GantryException.notFound("machine " + id + " does not exist");
                    }
                    return HibernateSql.of(s).rows(OPEN_JOB, id).thenCompose(open -> {
                        if (!open.isEmpty()) {
                            throw GantryException.invalidState("machine " + id + " has a " + open.get(0)[0]
                                    + " job in progress; wait until it ends");
                        }
                        return queue(s, operator, m, target);
                    });
                })));
    }

    private static CompletionStage<Evacuation> queue(Stage.Session s, Caller operator, MachineRecord m, String target) {
        MachineLifecycle.request(JobKind.MIGRATE, ZoneState.fromWire(m.state), m.deletionProtection);
        if (m.computeNode == null) {
            throw GantryException.invalidState("machine " + m.id + " was never placed on a node");
        }
        if (m.computeNode.equals(target)) {
            throw GantryException.invalid("machine " + m.id + " is on node " + target + " already; name another node");
        }
        CompletionStage<Void> targetChecked = target == null ? CompletableFuture.completedFuture(null)
                : HibernateSql.of(s).rows("select retired_at is not null, maintenance from compute_nodes where name = ?1", target)
                        .thenAccept(rows -> {
                            if (rows.isEmpty()) {
                                throw GantryException.notFound("there is no compute node named " + target);
                            }
                            if (Boolean.TRUE.equals(rows.get(0)[0]) || Boolean.TRUE.equals(rows.get(0)[1])) {
                                throw GantryException.invalidState("node " + target + " is " + (Boolean.TRUE.equals(rows.get(0)[0])
                                        ? "retired" : "in maintenance") + ": it takes no machines; name another node");
                            }
                        });
        return targetChecked.thenCompose(checked -> s.find(ImageRecord.class, m.imageId)).thenCompose(image -> {
            if (image == null) {
                throw GantryException.invalidState("machine " + m.id + "'s image " + m.imageId + " is not in the catalogue");
            }
            Map<String, Object> params = new LinkedHashMap<>();
            params.put("source", m.computeNode);
            if (target != null) {
                params.put("to", target);
            }
            params.put("ip", m.ip);
            params.put("image", image.nodeImage);
            JobLedger.Job job = JobLedger.Job.of(m.id, JobKind.MIGRATE, params, operator.describe());
            return new JobLedger(HibernateSql.of(s)).queue(job)
                    .thenApply(v -> new Evacuation(job.id(), m.id, m.computeNode, target));
        });
    }

    /** The machines on {@code node} that are not deleted, oldest first. */
    public Future<List<NodeMachine>> machinesOn(Caller operator, String node) {
        requireOperator(operator);
        if (node == null || !NODE.matcher(node).matches()) {
            throw GantryException.invalid("node must be a node's name (1-16 lower-case letters, digits or '-'); got "
                    + (node == null ? "nothing" : "'" + node + "'"));
        }
        return Futures.of(sessions.withSession(s -> HibernateSql.of(s).rows(ON_NODE, node)).thenApply(rows -> rows.stream()
                .map(r -> new NodeMachine((String) r[0], (String) r[1], (String) r[2], (String) r[3], (String) r[4])).toList()));
    }

    /** Where the job is. */
    public Future<JobStatus> job(Caller operator, String jobId) {
        requireOperator(operator);
        UUID id = ZoneSpec.parseUuid(jobId);
        return Futures.of(sessions.withSession(s -> HibernateSql.of(s).rows(JOB, id)).thenCompose(rows -> {
            if (rows.isEmpty()) {
                return CompletableFuture.failedStage(GantryException.notFound("job " + id + " does not exist"));
            }
            Object[] r = rows.get(0);
            Map<?, ?> params = Json.read((String) r[4], Map.class);
            String state = (String) r[2];
            Object step = params.get("step");
            if (step == null && JobKind.MIGRATE.wireName().equals(r[1])) {
                step = JobState.QUEUED.wireName().equals(state) ? "placing" : "export";
            }
            Object target = params.get("target") != null ? params.get("target") : params.get("to");
            return CompletableFuture.completedStage(new JobStatus(id, (String) r[0], (String) r[1], state,
                    step == null ? null : step.toString(), str(params.get("source")), str(target), (String) r[5], time(r[6]), time(r[7])));
        }));
    }

    private static String str(Object o) {
        return o == null ? null : o.toString();
    }

    private static Object time(Object t) {
        return t instanceof OffsetDateTime o ? o.toInstant().toString() : t == null ? null : t.toString();
    }

    private static void requireOperator(Caller caller) {
        if (!caller.operator()) {
            throw new GantryException(ErrorCode.NotAuthorized, caller.account().login + " is not an operator");
        }
    }
}
