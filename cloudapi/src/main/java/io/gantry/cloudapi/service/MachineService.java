package io.gantry.cloudapi.service;

import io.gantry.cloudapi.admission.Admission;
import io.gantry.common.ZoneSpec;
import io.gantry.common.coord.MetadataLimits;
import io.gantry.common.limits.Footprint;
import io.gantry.common.limits.ProvisionLimit;
import io.gantry.cloudapi.store.AccountRecord;
import io.gantry.cloudapi.store.AuditRecord;
import io.gantry.cloudapi.store.Database;
import io.gantry.cloudapi.store.ImageRecord;
import io.gantry.cloudapi.store.LimitRecord;
import io.gantry.cloudapi.store.MachineRecord;
import io.gantry.cloudapi.store.PackageRecord;
import io.gantry.common.GantryException;
import io.gantry.common.RequiredTraits;
import io.gantry.common.affinity.AffinityRule;
import io.gantry.common.JobKind;
import io.gantry.common.MachineLifecycle;
import io.gantry.common.ZoneState;
import io.gantry.record.HibernateSql;
import io.gantry.record.JobLedger;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import java.util.function.Function;
import org.hibernate.LockMode;
import org.hibernate.reactive.stage.Stage;

/**
 * Tenants' machines: every change is one transaction that also queues the job and writes the audit
 * entry, so the answer is only sent once it is committed. Every query is scoped by account, so
 * another tenant's machine is simply not found.
 */
public final class MachineService {
    /** States of machines that no longer hold capacity nor count against limits: every other state does. */
    static final List<String> GONE = List.of(ZoneState.DELETED.wireName(), ZoneState.FAILED.wireName());

    private final Stage.SessionFactory sessions;
    private final Pool reads;
    private final MachineCreation creation;

    public MachineService(Database db) {
        this.sessions = db.sessions();
        this.reads = db.reads();
        this.creation = new MachineCreation(db.creates());
    }

    public Future<MachineRecord> create(Caller caller, CreateMachine req) {
        if (req.name() != null && !ZoneSpec.isHostname(req.name())) {
            return Future.failedFuture(GantryException.invalid("name '" + req.name()
                    + "' is not valid: 1-63 letters, digits and '-', not starting or ending with '-' (it becomes the hostname)"));
        }
        try {
            AffinityRule.parseAll(req.affinity()); // the provisioner's own reading: a rule it could not place by is refused now
            requireMetadataWithinLimits(req.metadata());
        } catch (GantryException e) {
            return Future.failedFuture(e);
        }
        return creation.create(caller, req);
    }

    /** What the machine's node must have: the image's traits and the package's; a trait they disagree on is refused. */
    static RequiredTraits requiredTraits(ImageRecord image, PackageRecord pkg) {
        String img = "image " + image.name + "@" + image.version;
        String pk = "package " + pkg.name;
        return RequiredTraits.fromJson(JsonText.object(image.traits), img)
                .and(RequiredTraits.fromJson(JsonText.object(pkg.traits), pk), img, pk);
    }

    static void applyPackage(MachineRecord m, PackageRecord pkg) {
        m.packageId = pkg.id;
        m.packageName = pkg.name;
        m.memory = pkg.memory;
        m.swap = pkg.swap;
        m.disk = pkg.disk;
        m.vcpus = pkg.vcpus;
        m.cpuCap = pkg.cpuCap;
        m.lwps = pkg.lwps;
    }

    /** Start, stop or reboot: a job, unless the machine already is where the request would take it. */
    public Future<MachineRecord> act(Caller caller, UUID id, JobKind action, Map<String, Object> params) {
        return change(caller, id, (s, m) -> {
            var decision = MachineLifecycle.request(action, ZoneState.fromWire(m.state), m.deletionProtection);
            if (decision instanceof MachineLifecycle.Decision.Queue q) {
                m.state = q.shownState().wireName();
                m.updated = now();
                return queue(s, m, action, params, caller);
            }
            return audit(s, m, action.wireName(), caller, params);
        });
    }

    /**
     * A bigger or smaller package; limits count the new size at once, so concurrent resizes cannot
     * overshoot. The machine shows its old package until the node has applied the new one.
     */
    public Future<MachineRecord> resize(Caller caller, UUID id, String packageRef) {
        return change(caller, id, (s, m) -> Lookups.pkg(s, packageRef).thenCompose(pkg -> {
            MachineLifecycle.request(JobKind.RESIZE, ZoneState.fromWire(m.state), m.deletionProtection);
            pkg.toPackage();
            if (!pkg.id.equals(m.packageId)) {
                CatalogState.requireResizableTo(pkg);
            }
            if (pkg.disk < m.disk) {
                throw GantryException.invalid("package " + pkg.name + " has a smaller disk (" + pkg.disk
                        + " MiB) than the machine (" + m.disk + " MiB); disks never shrink");
            }
            if (pkg.disk > m.disk && !ZoneState.STOPPED.wireName().equals(m.state)) {
                throw GantryException.invalidState("package " + pkg.name + " has a bigger disk; a disk grows only while the"
                        + " machine is stopped, so stop it first");
            }
            return limits(s, m.accountId).thenCompose(limits -> active(s, m.accountId).thenCompose(machines -> {
                Admission.check(limits, footprints(machines, m.id), new Footprint(pkg.memory, pkg.disk, pkg.vcpus, m.imageName, m.brand, m.os));
                Map<String, Object> params = new LinkedHashMap<>();
                params.put("from", m.packageId.toString());
                params.put("to", pkg.id.toString());
                if (m.resizingFrom == null) {
                    m.resizingFrom = m.packageName; // shown until the node has applied the new package
                }
                applyPackage(m, pkg);
                m.updated = now();
                return queue(s, m, JobKind.RESIZE, params, caller);
            }));
        }));
    }

    public Future<MachineRecord> rename(Caller caller, UUID id, String name) {
        if (!ZoneSpec.isHostname(name)) {
            return Future.failedFuture(GantryException.invalid("name '" + name
                    + "' is not a valid hostname: 1-63 letters, digits and '-', not starting or ending with '-'"));
        }
        return change(caller, id, (s, m) -> active(s, m.accountId).thenCompose(machines -> {
            if (machines.stream().anyMatch(o -> o.name.equals(name) && !o.id.equals(m.id))) {
                throw GantryException.invalid("this account already has a machine named '" + name + "'");
            }
            m.name = name;
            m.updated = now();
            return audit(s, m, "rename", caller, Map.of("name", name));
        }));
    }

    public Future<MachineRecord> setFlag(Caller caller, UUID id, String action, Consumer<MachineRecord> set) {
        return change(caller, id, (s, m) -> {
            set.accept(m);
            m.updated = now();
            return audit(s, m, action, caller, Map.of());
        });
    }

    public Future<MachineRecord> delete(Caller caller, UUID id) {
        return act(caller, id, JobKind.DELETE, Map.of());
    }

    /** Replaces tags or metadata as {@code edit} says, in one transaction. */
    public Future<MachineRecord> editTags(Caller caller, UUID id, boolean metadata, Consumer<Map<String, Object>> edit) {
        return change(caller, id, (s, m) -> {
            Map<String, Object> values = JsonText.object(metadata ? m.metadata : m.tags);
            edit.accept(values);
            if (metadata) {
                requireMetadataWithinLimits(values);
                m.metadata = JsonText.write(values);
            } else {
                m.tags = JsonText.write(values);
            }
            m.updated = now();
            return audit(s, m, metadata ? "set_metadata" : "set_tags", caller, Map.of());
        });
    }

    public Future<MachineRecord> get(Caller caller, UUID id) {
        return Futures.of(sessions.withSession(s -> s.find(MachineRecord.class, id))).map(m -> owned(caller, id, m));
    }

    public Future<List<MachineRecord>> list(Caller caller) {
        return Futures.of(sessions.withSession(s -> s.createSelectionQuery(
                        "from MachineRecord where accountId = :a and state <> 'deleted' order by created", MachineRecord.class)
                .setParameter("a", caller.account().id)
                .getResultList()));
    }

    /**
     * One page of the caller's machines that pass {@code filter}, oldest first: filter, order and paging all
     * run in SQL, so a page holds {@code limit} machines unless it is the last. One query ({@link MachinePage}): the
     * page's ids from the index on (account, created, id), then their rows with their NICs aggregated, on a plain
     * Vert.x connection ({@link Database#reads()}): the records are read, not managed (no session keeps them).
     */
    public Future<List<MachineRecord>> list(Caller caller, MachineFilter filter, int limit, int offset) {
        return page(caller, filter, limit, offset, MachinePage::sql, MachinePage::record);
    }

    /** As {@link #list(Caller, MachineFilter, int, int)}, the page's machines only by {@link MachineVersion}. */
    public Future<List<MachineVersion>> pageVersions(Caller caller, MachineFilter filter, int limit, int offset) {
        return page(caller, filter, limit, offset, MachinePage::versionsSql, MachinePage::version);
    }

    /** The page's rows as {@code sql} (given the filter's SQL) selects them, each made into a {@code T}. */
    private <T> Future<List<T>> page(Caller caller, MachineFilter filter, int limit, int offset,
                                     Function<String, String> sql, Function<Row, T> each) {
        if (limit == 0) {
            return Future.succeededFuture(List.of());
        }
        List<Object> params = new ArrayList<>(List.of(caller.account().id, (long) limit, (long) offset));
        String query = sql.apply(filter.sql(params.size() + 1));
        params.addAll(filter.values());
        return reads.preparedQuery(query)
                .execute(Tuple.wrap(params))
                .map(rows -> {
                    List<T> page = new ArrayList<>(rows.size());
                    rows.forEach(row -> page.add(each.apply(row)));
                    return page;
                });
    }

    /** A machine as read now, with its version. */
    public record VersionedMachine(MachineRecord machine, String version) {
    }

    /** The caller's machines with these ids, read now (deleted ones too), by id; ids of other accounts are left out. */
    public Future<Map<UUID, VersionedMachine>> byIds(Caller caller, List<UUID> ids) {
        return reads.preparedQuery(MachinePage.byIdsSql())
                .execute(Tuple.of(ids.toArray(UUID[]::new), caller.account().id))
                .map(rows -> {
                    Map<UUID, VersionedMachine> found = new java.util.HashMap<>(rows.size() * 2);
                    rows.forEach(row -> {
                        MachineRecord m = MachinePage.record(row);
                        found.put(m.id, new VersionedMachine(m, MachinePage.version(row, m)));
                    });
                    return found;
                });
    }

    public Future<List<AuditRecord>> audit(Caller caller, UUID id) {
        return get(caller, id).compose(m -> Futures.of(sessions.withSession(s -> s.createSelectionQuery(
                        "from AuditRecord where machineId = :m order by time desc, id desc", AuditRecord.class)
                .setParameter("m", id)
                .getResultList())));
    }

    public Future<List<Admission.Usage>> limitUsage(Caller caller) {
        UUID accountId = caller.account().id;
        return Futures.of(sessions.withSession(s -> limits(s, accountId)
                .thenCompose(limits -> active(s, accountId).thenApply(machines -> Admission.usage(limits, footprints(machines, null))))));
    }

    private static MachineRecord owned(Caller caller, UUID id, MachineRecord m) {
        if (m == null || !m.accountId.equals(caller.account().id)) {
            throw GantryException.notFound("machine " + id + " not found");
        }
        return m;
    }

    private interface Change {
        CompletionStage<?> apply(Stage.Session s, MachineRecord m);
    }

    /** Loads the caller's machine under a row lock, applies the change and commits; answers with the machine. */
    private Future<MachineRecord> change(Caller caller, UUID id, Change change) {
        return Futures.of(sessions.withTransaction((s, tx) -> s.find(AccountRecord.class, caller.account().id, LockMode.PESSIMISTIC_WRITE)
                .thenCompose(a -> s.find(MachineRecord.class, id, LockMode.PESSIMISTIC_WRITE))
                .thenCompose(m -> {
                    MachineRecord mine = owned(caller, id, m);
                    if (ZoneState.DELETED.wireName().equals(mine.state)) {
                        throw GantryException.notFound("machine " + id + " has been deleted");
                    }
                    return change.apply(s, mine).thenApply(v -> mine);
                })));
    }

    /**
     * The job, in this transaction: committed with the machine's change or not at all. No audit entry
     * yet: the provisioner writes it when the job ends, with its outcome and time (the triton CLI's
     * {@code reboot -w} waits for a reboot entry newer than the request).
     */
    private static CompletionStage<Void> queue(Stage.Session s, MachineRecord m, JobKind action, Map<String, Object> params,
                                               Caller caller) {
        return new JobLedger(HibernateSql.of(s)).queue(JobLedger.Job.of(m.id, action, params, caller.describe()));
    }

    /** The audit entry of a change made at once (job actions are audited by the provisioner when they end). */
    private static CompletionStage<Void> audit(Stage.Session s, MachineRecord m, String action, Caller caller, Map<String, Object> params) {
        AuditRecord a = new AuditRecord();
        a.machineId = m.id;
        a.action = action;
        a.success = true;
        a.time = now();
        a.caller = caller.describe();
        a.params = JsonText.write(params);
        return s.persist(a);
    }

    private static CompletionStage<List<ProvisionLimit>> limits(Stage.Session s, UUID accountId) {
        return s.createSelectionQuery("from LimitRecord where accountId = :a", LimitRecord.class)
                .setParameter("a", accountId)
                .getResultList()
                .thenApply(rows -> rows.stream().map(MachineService::toLimit).toList());
    }

    /** The limits {@code mdata-put} from inside the zone is held to as well ({@link MetadataLimits}). */
    private static void requireMetadataWithinLimits(Map<String, Object> metadata) {
        MetadataLimits.problem(metadata).ifPresent(problem -> {
            throw GantryException.invalid(problem);
        });
    }

    static ProvisionLimit toLimit(LimitRecord r) {
        return new ProvisionLimit(ProvisionLimit.By.fromWire(r.by), r.value, ProvisionLimit.Check.fromWire(r.check), r.checkValue);
    }

    /** The account's machines that hold capacity: everything but deleted and failed ones. */
    private static CompletionStage<List<MachineRecord>> active(Stage.Session s, UUID accountId) {
        return s.createSelectionQuery("from MachineRecord where accountId = :a and state not in (:gone)", MachineRecord.class)
                .setParameter("a", accountId)
                .setParameter("gone", GONE)
                .getResultList();
    }

    private static List<Footprint> footprints(List<MachineRecord> machines, UUID except) {
        List<Footprint> out = new ArrayList<>();
        for (MachineRecord m : machines) {
            if (!m.id.equals(except)) {
                out.add(new Footprint(m.memory, m.disk, m.vcpus, m.imageName, m.brand, m.os));
            }
        }
        return out;
    }

    static OffsetDateTime now() {
        return OffsetDateTime.now(ZoneOffset.UTC);
    }
}
