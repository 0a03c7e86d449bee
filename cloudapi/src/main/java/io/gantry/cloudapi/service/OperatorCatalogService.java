package io.gantry.cloudapi.service;

import io.gantry.cloudapi.store.Database;
import io.gantry.cloudapi.store.ImageRecord;
import io.gantry.cloudapi.store.PackageRecord;
import io.gantry.common.ErrorCode;
import io.gantry.common.GantryException;
import io.vertx.core.Future;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import org.hibernate.LockMode;
import org.hibernate.reactive.stage.Stage;

/**
 * The operators' catalogue: packages added, deprecated (and made active again) and removed; images deprecated (and
 * made active again) and removed. Removal is refused while a machine that is not deleted uses the entry, counted
 * under the entry's row lock, which a machine's create holds too ({@link MachineCreation#held}). Every answer says
 * how many such machines use each entry.
 */
public final class OperatorCatalogService {
    /** A catalogue entry and the machines (not deleted) that have it. */
    public record InUse<T>(T entry, long machines) {
    }

    private final Stage.SessionFactory sessions;

    public OperatorCatalogService(Database db) {
        this.sessions = db.sessions();
    }

    public Future<InUse<PackageRecord>> addPackage(Caller operator, NewPackage p) {
        try {
            requireOperator(operator);
        } catch (GantryException e) {
            return Future.failedFuture(e);
        }
        return Futures.of(sessions.withTransaction((s, tx) -> s.createNativeQuery(
                        "select 1 from (select pg_advisory_xact_lock(hashtext('package ' || cast(?1 as text)))) x")
                .setParameter(1, p.name())
                .getResultList()
                .thenCompose(locked -> s.createSelectionQuery("from PackageRecord where name = :n", PackageRecord.class)
                        .setParameter("n", p.name()).getResultList())
                .thenCompose(existing -> {
                    if (!existing.isEmpty()) {
                        PackageRecord other = existing.get(0);
                        throw GantryException.invalid("package " + p.name() + " exists (version " + other.version + ", id " + other.id
                                + "); a package name is unique across versions");
                    }
                    PackageRecord r = new PackageRecord();
                    r.id = UUID.randomUUID();
                    r.name = p.name();
                    r.version = p.version();
                    r.memory = p.memory();
                    r.swap = p.swap();
                    r.disk = p.disk();
                    r.vcpus = p.vcpus();
                    r.cpuCap = p.cpuCap();
                    r.lwps = p.lwps();
                    r.group = p.group();
                    r.description = p.description();
                    r.traits = JsonText.write(p.traits());
                    r.active = true;
                    return s.persist(r).thenApply(v -> new InUse<>(r, 0L));
                })));
    }

    public Future<List<InUse<PackageRecord>>> packages(Caller operator) {
        return Futures.of(sessions.withSession(s -> {
            requireOperator(operator);
            return s.createSelectionQuery("from PackageRecord order by name", PackageRecord.class).getResultList()
                    .thenCompose(all -> usage(s, "package_id").thenApply(used -> all.stream()
                            .map(p -> new InUse<>(p, used.getOrDefault(p.id, 0L))).toList()));
        }));
    }

    public Future<InUse<PackageRecord>> pkg(Caller operator, String ref) {
        return Futures.of(sessions.withSession(s -> {
            requireOperator(operator);
            return findPackage(s, ref, LockMode.NONE).thenCompose(p -> machinesWith(s, "package_id", p.id).thenApply(n -> new InUse<>(p, n)));
        }));
    }

    /** Deprecates ({@code active} false) or makes active again; doing what is already done answers the package as it is. */
    public Future<InUse<PackageRecord>> setPackageActive(Caller operator, String ref, boolean active) {
        return Futures.of(sessions.withTransaction((s, tx) -> {
            requireOperator(operator);
            return findPackage(s, ref, LockMode.PESSIMISTIC_WRITE).thenCompose(p -> {
                p.active = active;
                return machinesWith(s, "package_id", p.id).thenApply(n -> new InUse<>(p, n));
            });
        }));
    }

    /** Removes a package no machine (but deleted ones) has, nor is being resized away from. */
    public Future<Void> removePackage(Caller operator, String ref) {
        return Futures.of(sessions.withTransaction((s, tx) -> {
            requireOperator(operator);
            return findPackage(s, ref, LockMode.PESSIMISTIC_WRITE).thenCompose(p -> s.createNativeQuery(
                            "select count(*) from machines where state <> 'deleted' and (package_id = ?1 or resizing_from = ?2)", Long.class)
                    .setParameter(1, p.id)
                    .setParameter(2, p.name)
                    .getSingleResult()
                    .thenCompose(used -> {
                        if (used > 0) {
                            throw inUse("package " + p.name, used);
                        }
                        return s.remove(p);
                    }));
        }));
    }

    public Future<List<InUse<ImageRecord>>> images(Caller operator) {
        return Futures.of(sessions.withSession(s -> {
            requireOperator(operator);
            return s.createSelectionQuery("from ImageRecord order by name, publishedAt", ImageRecord.class).getResultList()
                    .thenCompose(all -> usage(s, "image_id").thenApply(used -> all.stream()
                            .map(i -> new InUse<>(i, used.getOrDefault(i.id, 0L))).toList()));
        }));
    }

    public Future<InUse<ImageRecord>> image(Caller operator, String ref) {
        return Futures.of(sessions.withSession(s -> {
            requireOperator(operator);
            return findImage(s, ref, LockMode.NONE).thenCompose(i -> machinesWith(s, "image_id", i.id).thenApply(n -> new InUse<>(i, n)));
        }));
    }

    /** Sets the image's state to {@link CatalogState#DEPRECATED} or {@link CatalogState#ACTIVE}. */
    public Future<InUse<ImageRecord>> setImageState(Caller operator, String ref, String state) {
        return Futures.of(sessions.withTransaction((s, tx) -> {
            requireOperator(operator);
            return findImage(s, ref, LockMode.PESSIMISTIC_WRITE).thenCompose(i -> {
                i.state = state;
                return machinesWith(s, "image_id", i.id).thenApply(n -> new InUse<>(i, n));
            });
        }));
    }

    public Future<Void> removeImage(Caller operator, String ref) {
        return Futures.of(sessions.withTransaction((s, tx) -> {
            requireOperator(operator);
            return findImage(s, ref, LockMode.PESSIMISTIC_WRITE).thenCompose(i -> machinesWith(s, "image_id", i.id).thenCompose(used -> {
                if (used > 0) {
                    throw inUse("image " + i.name + "@" + i.version, used);
                }
                return s.remove(i);
            }));
        }));
    }

    private static GantryException inUse(String what, long machines) {
        return GantryException.invalidState(what + " is used by " + machines + (machines == 1 ? " machine" : " machines")
                + "; it can be removed once no machine (but deleted ones) has it (deprecate it to stop new ones)");
    }

    private static CompletionStage<Long> machinesWith(Stage.Session s, String column, UUID id) {
        return s.createNativeQuery("select count(*) from machines where state <> 'deleted' and " + column + " = ?1", Long.class)
                .setParameter(1, id)
                .getSingleResult();
    }

    private static CompletionStage<Map<UUID, Long>> usage(Stage.Session s, String column) {
        return s.createNativeQuery("select cast(" + column + " as text), count(*) from machines where state <> 'deleted' group by " + column,
                        Object[].class)
                .getResultList()
                .thenApply(rows -> {
                    Map<UUID, Long> out = new HashMap<>();
                    rows.forEach(r -> out.put(UUID.fromString((String) r[0]), ((Number) r[1]).longValue()));
                    return out;
                });
    }

    /** By id or name; ResourceNotFound otherwise. */
    private static CompletionStage<PackageRecord> findPackage(Stage.Session s, String ref, LockMode lock) {
        var id = Lookups.uuid(ref);
        CompletionStage<List<PackageRecord>> found = id.isPresent()
                ? s.createSelectionQuery("from PackageRecord where id = :id", PackageRecord.class).setParameter("id", id.get())
                        .setLockMode(lock).getResultList()
                : s.createSelectionQuery("from PackageRecord where name = :n", PackageRecord.class).setParameter("n", ref)
                        .setLockMode(lock).getResultList();
        return found.thenApply(rows -> rows.stream().findFirst().orElseThrow(() -> GantryException.notFound("package " + ref + " not found")));
    }

    /**
     * By id, {@code name@version}, or a name that only one version has; ResourceNotFound otherwise, and an
     * InvalidArgument for a name several versions share (an operator's change must name one).
     */
    private static CompletionStage<ImageRecord> findImage(Stage.Session s, String ref, LockMode lock) {
        var id = Lookups.uuid(ref);
        CompletionStage<List<ImageRecord>> found;
        if (id.isPresent()) {
            found = s.createSelectionQuery("from ImageRecord where id = :id", ImageRecord.class).setParameter("id", id.get())
                    .setLockMode(lock).getResultList();
        } else if (ref.contains("@")) {
            found = s.createSelectionQuery("from ImageRecord where name = :n and version = :v", ImageRecord.class)
                    .setParameter("n", ref.substring(0, ref.lastIndexOf('@')))
                    .setParameter("v", ref.substring(ref.lastIndexOf('@') + 1))
                    .setLockMode(lock).getResultList();
        } else {
            found = s.createSelectionQuery("from ImageRecord where name = :n order by publishedAt", ImageRecord.class).setParameter("n", ref)
                    .setLockMode(lock).getResultList();
        }
        return found.thenApply(rows -> {
            if (rows.isEmpty()) {
                throw GantryException.notFound("image " + ref + " not found");
            }
            if (rows.size() > 1) {
                throw GantryException.invalid("image name " + ref + " has " + rows.size() + " versions ("
                        + String.join(", ", rows.stream().map(i -> i.version).toList()) + "): name one as " + ref + "@VERSION or by id");
            }
            return rows.get(0);
        });
    }

    private static void requireOperator(Caller caller) {
        if (!caller.operator()) {
            throw new GantryException(ErrorCode.NotAuthorized, caller.account().login + " is not an operator");
        }
    }
}
