package io.gantry.cloudapi.service;

import io.gantry.cloudapi.admission.Admission;
import io.gantry.cloudapi.store.ImageRecord;
import io.gantry.cloudapi.store.MachineRecord;
import io.gantry.cloudapi.store.NetworkRecord;
import io.gantry.cloudapi.store.NicRecord;
import io.gantry.cloudapi.store.PackageRecord;
import io.gantry.cloudapi.store.VertxSql;
import io.gantry.common.ErrorCode;
import io.gantry.common.GantryException;
import io.gantry.common.JobKind;
import io.gantry.common.ZoneState;
import io.gantry.common.limits.Footprint;
import io.gantry.common.limits.ProvisionLimit;
import io.gantry.record.DefaultFabric;
import io.gantry.record.JobLedger;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * A machine's create: one transaction on a plain Vert.x connection ({@code Database.creates()}), committed before the
 * API answers, in which the account is locked, the request is checked against the catalogue and the account's limits,
 * the machine, its NICs and its provision job are written, and the provisioner is notified. Its reads are sent together
 * (the connection pipelines them; PostgreSQL runs them in order, the account's lock first), and so are its writes: about
 * five round trips instead of the twenty a Hibernate session made one after another.
 *
 * <p>The rules are those of every other change: the account's lock serializes its creates, so its limits and machine
 * names hold under concurrency; the image and package are held FOR SHARE ({@link #held}); the networks
 * are locked in id order before their held addresses are read ({@link IpAllocator}); a retried create with the same id
 * answers the machine the first one made.
 */
final class MachineCreation {
    private static final String LOCK_ACCOUNT = "select 1 from accounts where id = $1 for update";

    private static final String LIMITS = "select by_what, value, check_what, check_value from provision_limits where account_id = $1";

    /** The account's machines that hold capacity: all but deleted and failed ones. */
    private static final String ACTIVE = "select name, memory, disk, vcpus, image_name, brand, os from machines"
            + " where account_id = $1 and state not in ('" + String.join("', '", MachineService.GONE) + "')";

    private static final String LOCK_NETWORKS = "select id from networks where id = any($1) order by id for update";

    private static final String HELD_ADDRESSES = "select ip, network_id, mac from nics where network_id = any($1) or mac = any($2)";

    private static final String TAKEN_MACS = "select mac from nics where mac = any($1)";

    private static final String INSERT_MACHINE = "insert into machines (id, account_id, name, state, brand, image_id, image_name, os,"
            + " package_id, package_name, memory, swap, disk, vcpus, cpu_cap, lwps, ip, networks, tags, metadata, affinity, traits,"
            + " firewall_enabled, deletion_protection, created, updated) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12,"
            + " $13, $14, $15, $16, $17, $18, cast(cast($19 as text) as jsonb), $20, $21, cast(cast($22 as text) as jsonb), $23, $24,"
            + " $25, $26)";

    private static final String INSERT_NIC = "insert into nics (mac, machine_id, account_id, network_id, ip, primary_nic, state, created)"
            + " values ($1, $2, $3, $4, $5, $6, $7, $8)";

    private final Pool pool;

    MachineCreation(Pool pool) {
        this.pool = pool;
    }

    Future<MachineRecord> create(Caller caller, CreateMachine req) {
        try {
            Lookups.requireImageRef(req.image());
            Lookups.requirePackageRef(req.pkg());
        } catch (GantryException e) {
            return Future.failedFuture(e);
        }
        return pool.withTransaction(c -> create(c, caller, req));
    }

    /** Everything a create reads, read at once under the account's lock. */
    private record Read(MachineRecord existing, Optional<ImageRecord> image, Optional<PackageRecord> pkg, List<NetworkRecord> networks,
                        List<ProvisionLimit> limits, Set<String> names, List<Footprint> footprints) {
    }

    private Future<MachineRecord> create(SqlConnection c, Caller caller, CreateMachine req) {
        UUID account = caller.account().id;
        Future<RowSet<Row>> locked = c.preparedQuery(LOCK_ACCOUNT).execute(Tuple.of(account));
        Future<MachineRecord> existing = c.preparedQuery(MachinePage.byIdSql()).execute(Tuple.of(req.id()))
                .map(rows -> rows.size() == 0 ? null : MachinePage.record(rows.iterator().next()));
        Future<Optional<ImageRecord>> image = image(c, req.image(), account);
        Future<Optional<PackageRecord>> pkg = pkg(c, req.pkg());
        Future<List<NetworkRecord>> networks = networks(c, account);
        Future<List<ProvisionLimit>> limits = c.preparedQuery(LIMITS).execute(Tuple.of(account)).map(MachineCreation::limits);
        Future<RowSet<Row>> active = c.preparedQuery(ACTIVE).execute(Tuple.of(account));
        return Future.all(List.of(locked, existing, image, pkg, networks, limits, active))
                .map(all -> {
                    Set<String> names = new HashSet<>();
                    List<Footprint> footprints = new ArrayList<>();
                    for (Row r : active.result()) {
                        names.add(r.getString(0));
                        footprints.add(new Footprint(r.getLong(1), r.getLong(2), r.getInteger(3), r.getString(4), r.getString(5), r.getString(6)));
                    }
                    return new Read(existing.result(), image.result(), pkg.result(), networks.result(), limits.result(), names, footprints);
                })
                .compose(read -> {
                    if (read.existing() != null) {
                        if (!read.existing().accountId.equals(account)) {
                            throw new GantryException(ErrorCode.InvalidArgument, "machine id " + req.id() + " is already in use");
                        }
                        return Future.succeededFuture(read.existing());
                    }
                    Catalogued held = catalogued(read.image(), read.pkg(), req.image(), req.pkg(), account);
                    return withDefaultFabric(c, account, read.networks())
                            .map(all -> Lookups.choose(all, account, req.networks()))
                            .compose(wanted -> admitAndInsert(c, caller, req, held.image(), held.pkg(), wanted, read));
                });
    }

    private Future<MachineRecord> admitAndInsert(SqlConnection c, Caller caller, CreateMachine req, ImageRecord image, PackageRecord pkg,
                                                 List<IpAllocator.Wanted> wanted, Read read) {
        UUID account = caller.account().id;
        pkg.toPackage(); // a package out of its sizes' range is refused before anything is booked
        CatalogState.requireUsable(image);
        CatalogState.requireUsable(pkg);
        ImageRequirements.of(image).requireFits(image, pkg);
        String name = req.name() != null ? req.name() : req.id().toString().substring(0, 8);
        if (read.names().contains(name)) {
            throw GantryException.invalid("this account already has a machine named '" + name + "'");
        }
        Admission.check(read.limits(), read.footprints(), new Footprint(pkg.memory, pkg.disk, pkg.vcpus, image.name, "joyent", image.os));
        OffsetDateTime now = MachineService.now();
        MachineRecord m = machine(req, account, name, image, pkg, wanted, now);
        List<NicRecord> nics = IpAllocator.draft(account, m.id, wanted, true, NicRecord.PROVISIONING, now);
        List<UUID> order = IpAllocator.lockOrder(wanted);
        // the held addresses are read once the networks' locks are held: pipelined after the lock, the read starts after it
        Future<RowSet<Row>> locks = c.preparedQuery(LOCK_NETWORKS).execute(Tuple.tuple().addValue(order.toArray(UUID[]::new)));
        Future<RowSet<Row>> held = c.preparedQuery(HELD_ADDRESSES)
                .execute(Tuple.tuple().addValue(order.toArray(UUID[]::new)).addValue(nics.stream().map(n -> n.mac).toArray(String[]::new)));
        return Future.all(locks, held).compose(both -> {
            Set<UUID> locked = new HashSet<>();
            locks.result().forEach(r -> locked.add(r.getUUID(0)));
            order.stream().filter(id -> !locked.contains(id)).findFirst().ifPresent(gone -> {
                throw GantryException.invalid("network " + gone + " does not exist"); // removed since it was read
            });
            List<Object[]> rows = new ArrayList<>();
            held.result().forEach(r -> rows.add(new Object[] {r.getString(0), r.getUUID(1), r.getString(2)}));
            return IpAllocator.assign(nics, wanted, IpAllocator.Held.of(order, rows)) ? uniqueMacs(c, nics) : Future.succeededFuture();
        }).compose(v -> {
            m.ip = nics.isEmpty() ? null : nics.get(0).ip;
            m.nicIps = String.join(",", nics.stream().map(n -> n.ip).toList());
            m.nicNetworks = String.join(",", nics.stream().map(n -> n.networkId.toString()).toList());
            Future<RowSet<Row>> inserted = c.preparedQuery(INSERT_MACHINE).execute(insertTuple(m));
            Future<?> nicsInserted = nics.isEmpty() ? Future.succeededFuture()
                    : c.preparedQuery(INSERT_NIC).executeBatch(nics.stream().map(MachineCreation::nicTuple).toList());
            Map<String, Object> params = new LinkedHashMap<>();
            params.put("image", image.nodeImage);
            Future<Void> queued = Future.fromCompletionStage(new JobLedger(new VertxSql(c))
                    .queue(JobLedger.Job.of(m.id, JobKind.PROVISION, params, caller.describe())));
            return Future.all(inserted, nicsInserted, queued).map(all -> m);
        });
    }

    private static MachineRecord machine(CreateMachine req, UUID account, String name, ImageRecord image, PackageRecord pkg,
                                         List<IpAllocator.Wanted> wanted, OffsetDateTime now) {
        MachineRecord m = new MachineRecord();
        m.id = req.id();
        m.accountId = account;
        m.name = name;
        m.state = ZoneState.PROVISIONING.wireName();
        m.brand = "joyent";
        m.imageId = image.id;
        m.imageName = image.name;
        m.os = image.os;
        MachineService.applyPackage(m, pkg);
        m.networks = JsonText.write(wanted.stream().map(n -> n.network().id.toString()).toList());
        m.tags = JsonText.write(req.tags());
        m.metadata = JsonText.write(req.metadata());
        m.affinity = JsonText.write(req.affinity());
        m.traits = JsonText.write(MachineService.requiredTraits(image, pkg).toJson());
        m.firewallEnabled = req.firewallEnabled();
        m.deletionProtection = req.deletionProtection();
        m.created = now;
        m.updated = now;
        return m;
    }

    private static Tuple insertTuple(MachineRecord m) {
        return Tuple.wrap(new ArrayList<>(Arrays.asList(m.id, m.accountId, m.name, m.state, m.brand, m.imageId, m.imageName, m.os,
                m.packageId, m.packageName, m.memory, m.swap, m.disk, m.vcpus, m.cpuCap, m.lwps, m.ip, m.networks, m.tags, m.metadata,
                m.affinity, m.traits, m.firewallEnabled, m.deletionProtection, m.created, m.updated)));
    }

    private static Tuple nicTuple(NicRecord n) {
        return Tuple.wrap(new ArrayList<>(Arrays.asList(n.mac, n.machineId, n.accountId, n.networkId, n.ip, n.primaryNic, n.state,
                n.created)));
    }

    /** Draws the NICs' MACs again while one is taken (the MAC is the table's key): vanishingly rare with 2^40 values. */
    private static Future<Void> uniqueMacs(SqlConnection c, List<NicRecord> nics) {
        return c.preparedQuery(TAKEN_MACS).execute(Tuple.tuple().addValue(nics.stream().map(n -> n.mac).toArray(String[]::new)))
                .compose(rows -> {
                    Set<String> taken = new HashSet<>();
                    rows.forEach(r -> taken.add(r.getString(0)));
                    return IpAllocator.redrawClashes(nics, taken) ? uniqueMacs(c, nics) : Future.succeededFuture();
                });
    }

    /** The networks {@code account} sees, its default fabric among them: made in this transaction if it has none (rare). */
    private static Future<List<NetworkRecord>> withDefaultFabric(SqlConnection c, UUID account, List<NetworkRecord> found) {
        if (Lookups.hasDefault(found, account)) {
            return Future.succeededFuture(found);
        }
        return Future.fromCompletionStage(new DefaultFabric(new VertxSql(c)).ensure(account)).compose(v -> networks(c, account));
    }

    private static Future<List<NetworkRecord>> networks(SqlConnection c, UUID account) {
        return c.preparedQuery(CatalogRows.VISIBLE_NETWORKS).execute(Tuple.of(account)).map(rows -> {
            List<NetworkRecord> out = new ArrayList<>(rows.size());
            rows.forEach(r -> out.add(CatalogRows.network(r)));
            return out;
        });
    }

    /** A machine's image and package, as a create finds them. */
    record Catalogued(ImageRecord image, PackageRecord pkg) {
    }

    /**
     * The image and the package of a new machine, each read FOR SHARE and so held until the transaction ends: an
     * operator's removal, which takes them FOR UPDATE before counting their machines, waits for this machine (and counts
     * it), or removes them first (and this create is refused as if they never existed). A create sends the two reads
     * with its others; this is the same pair on its own.
     */
    static Future<Catalogued> held(SqlConnection c, String imageRef, UUID account, String pkgRef) {
        Future<Optional<ImageRecord>> image = image(c, imageRef, account);
        Future<Optional<PackageRecord>> pkg = pkg(c, pkgRef);
        return Future.all(image, pkg).map(both -> catalogued(image.result(), pkg.result(), imageRef, pkgRef, account));
    }

    /** What the lookups found, or the refusal of what they did not (another account's private image does not exist). */
    private static Catalogued catalogued(Optional<ImageRecord> image, Optional<PackageRecord> pkg, String imageRef, String pkgRef, UUID account) {
        return new Catalogued(image.filter(i -> ImageStates.visibleTo(i, account)).orElseThrow(() -> Lookups.noSuchImage(imageRef)),
                pkg.orElseThrow(() -> Lookups.noSuchPackage(pkgRef)));
    }

    private static Future<Optional<ImageRecord>> image(SqlConnection c, String ref, UUID account) {
        Optional<UUID> id = Lookups.uuid(ref);
        Future<RowSet<Row>> rows = id.isPresent()
                ? c.preparedQuery(CatalogRows.IMAGE_BY_ID).execute(Tuple.of(id.get()))
                : c.preparedQuery(CatalogRows.IMAGE_BY_NAME).execute(Tuple.of(ref, account));
        return rows.map(found -> found.size() == 0 ? Optional.empty() : Optional.of(CatalogRows.image(found.iterator().next())));
    }

    private static Future<Optional<PackageRecord>> pkg(SqlConnection c, String ref) {
        Optional<UUID> id = Lookups.uuid(ref);
        Future<RowSet<Row>> rows = id.isPresent()
                ? c.preparedQuery(CatalogRows.PACKAGE_BY_ID).execute(Tuple.of(id.get()))
                : c.preparedQuery(CatalogRows.PACKAGE_BY_NAME).execute(Tuple.of(ref));
        return rows.map(found -> found.size() == 0 ? Optional.empty() : Optional.of(CatalogRows.pkg(found.iterator().next())));
    }

    private static List<ProvisionLimit> limits(RowSet<Row> rows) {
        List<ProvisionLimit> out = new ArrayList<>(rows.size());
        for (Row r : rows) {
            out.add(new ProvisionLimit(ProvisionLimit.By.fromWire(r.getString(0)), r.getLong(1), ProvisionLimit.Check.fromWire(r.getString(2)),
                    r.getString(3)));
        }
        return out;
    }
}
