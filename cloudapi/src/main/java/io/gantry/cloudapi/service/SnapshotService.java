package io.gantry.cloudapi.service;

import io.gantry.cloudapi.store.Database;
import io.gantry.cloudapi.store.MachineRecord;
import io.gantry.cloudapi.store.SnapshotRecord;
import io.gantry.common.GantryException;
import io.gantry.common.JobKind;
import io.gantry.common.ZoneState;
import io.gantry.record.HibernateSql;
import io.gantry.record.JobLedger;
import io.vertx.core.Future;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.regex.Pattern;
import org.hibernate.LockMode;
import org.hibernate.reactive.stage.Stage;

/**
 * Tenants' snapshots of their machines' disks (Triton's {@code /:login/machines/:id/snapshots}). Each change is one
 * transaction holding the machine's row lock: the snapshot row and its job ({@link JobKind#SNAPSHOT_CREATE},
 * {@link JobKind#SNAPSHOT_DELETE}, {@link JobKind#START_FROM_SNAPSHOT}, the name in the job's {@code name} param)
 * commit together, and the job's end settles the row ({@code JobLedger}). Another tenant's machine or snapshot is not
 * found. A machine holds at most {@code limit} snapshots, whatever their state.
 */
public final class SnapshotService {
    /** As vmadm's snapshot names: letters, digits and {@code . _ : -}, at most 64, starting with a letter or digit. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,63}");
    /** The name Triton gives a snapshot asked for without one: the time, to the millisecond. */
    private static final DateTimeFormatter GENERATED = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'");

    private final Stage.SessionFactory sessions;
    private final int limit;

    public SnapshotService(Database db, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("a machine's snapshot limit must be at least 1, not " + limit);
        }
        this.sessions = db.sessions();
        this.limit = limit;
    }

    public Future<List<SnapshotRecord>> list(Caller caller, UUID machine) {
        return Futures.of(sessions.withSession(s -> CallerMachines.owned(s, caller, machine, LockMode.NONE).thenCompose(m -> snapshotsOf(s, machine))));
    }

    public Future<SnapshotRecord> get(Caller caller, UUID machine, String name) {
        return Futures.of(sessions.withSession(s -> CallerMachines.owned(s, caller, machine, LockMode.NONE).thenCompose(m -> named(s, machine, name))));
    }

    /** A new snapshot, {@code queued}, and its job; {@code name} null or blank: named after the time. */
    public Future<SnapshotRecord> create(Caller caller, UUID machine, String name) {
        OffsetDateTime now = MachineService.now();
        String wanted = name == null || name.isBlank() ? GENERATED.format(now) : name;
        if (!NAME.matcher(wanted).matches()) {
            return Future.failedFuture(GantryException.invalid("snapshot name '" + name + "' is not valid: 1-64 letters, digits and"
                    + " '.', '_', ':', '-', starting with a letter or digit"));
        }
        return Futures.of(sessions.withTransaction((s, tx) -> CallerMachines.changing(s, caller, machine, JobKind.SNAPSHOT_CREATE)
                .thenCompose(m -> snapshotsOf(s, machine).thenCompose(existing -> {
                    if (existing.stream().anyMatch(x -> x.name.equals(wanted))) {
                        throw GantryException.invalid("machine " + machine + " already has a snapshot named '" + wanted + "'");
                    }
                    if (existing.size() >= limit) {
                        throw GantryException.invalid("machine " + machine + " has " + existing.size() + " snapshots, the most a"
                                + " machine may have; delete one first");
                    }
                    SnapshotRecord snap = new SnapshotRecord();
                    snap.id = UUID.randomUUID();
                    snap.machineId = machine;
                    snap.name = wanted;
                    snap.state = SnapshotRecord.QUEUED;
                    snap.created = now;
                    snap.updated = now;
                    m.updated = now;
                    return s.persist(snap).thenCompose(v -> queue(s, caller, m, JobKind.SNAPSHOT_CREATE, wanted)).thenApply(v -> snap);
                }))));
    }

    /** Marks the snapshot {@code deleting} and queues its removal; the row goes when the node has removed it. */
    public Future<Void> delete(Caller caller, UUID machine, String name) {
        return Futures.of(sessions.withTransaction((s, tx) -> CallerMachines.changing(s, caller, machine, JobKind.SNAPSHOT_DELETE)
                .thenCompose(m -> named(s, machine, name).thenCompose(snap -> {
                    if (SnapshotRecord.DELETING.equals(snap.state)) {
                        return java.util.concurrent.CompletableFuture.<Void>completedFuture(null); // already on its way out
                    }
                    snap.state = SnapshotRecord.DELETING;
                    snap.updated = MachineService.now();
                    m.updated = snap.updated;
                    return queue(s, caller, m, JobKind.SNAPSHOT_DELETE, snap.name);
                }))));
    }

    /**
     * Triton's StartMachineFromSnapshot: the machine's disk rolled back to a created snapshot (the snapshot stays), then
     * the machine started. A running machine shows {@code stopping} until its node has done it, so a client waiting
     * for {@code running} waits for the rollback.
     */
    public Future<MachineRecord> startFrom(Caller caller, UUID machine, String name) {
        return Futures.of(sessions.withTransaction((s, tx) -> CallerMachines.changing(s, caller, machine, JobKind.START_FROM_SNAPSHOT)
                .thenCompose(m -> named(s, machine, name).thenCompose(snap -> {
                    if (!SnapshotRecord.CREATED.equals(snap.state)) {
                        throw GantryException.invalidState("snapshot '" + snap.name + "' is " + snap.state
                                + "; a machine starts only from a created snapshot");
                    }
                    if (ZoneState.RUNNING.wireName().equals(m.state)) {
                        m.state = ZoneState.STOPPING.wireName();
                    }
                    m.updated = MachineService.now();
                    return queue(s, caller, m, JobKind.START_FROM_SNAPSHOT, snap.name).thenApply(v -> m);
                }))));
    }

    private static CompletionStage<Void> queue(Stage.Session s, Caller caller, MachineRecord m, JobKind kind, String name) {
        return new JobLedger(HibernateSql.of(s)).queue(JobLedger.Job.of(m.id, kind, Map.of("name", name), caller.describe()));
    }



    private static CompletionStage<List<SnapshotRecord>> snapshotsOf(Stage.Session s, UUID machine) {
        return s.createSelectionQuery("from SnapshotRecord where machineId = :m order by created, name", SnapshotRecord.class)
                .setParameter("m", machine)
                .getResultList();
    }

    private static CompletionStage<SnapshotRecord> named(Stage.Session s, UUID machine, String name) {
        return snapshotsOf(s, machine).thenApply(all -> all.stream().filter(x -> x.name.equals(name)).findFirst()
                .orElseThrow(() -> GantryException.notFound("snapshot '" + name + "' of machine " + machine + " not found")));
    }
}
