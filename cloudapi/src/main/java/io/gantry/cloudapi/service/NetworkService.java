package io.gantry.cloudapi.service;

import io.gantry.cloudapi.store.AccountRecord;
import io.gantry.cloudapi.store.Database;
import io.gantry.cloudapi.store.FabricVlanRecord;
import io.gantry.cloudapi.store.NetworkRecord;
import io.gantry.common.ErrorCode;
import io.gantry.common.GantryException;
import io.gantry.common.net.Ipv4;
import io.gantry.common.net.Ipv4Cidr;
import io.gantry.record.DefaultFabric;
import io.gantry.record.HibernateSql;
import io.vertx.core.Future;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.regex.Pattern;
import org.hibernate.LockMode;
import org.hibernate.reactive.stage.Stage;

/**
 * An account's networks: its fabric VLANs and fabric networks (Triton's {@code /fabrics/default/vlans}), which it
 * makes and removes, and the operator's shared external networks it may use. Every change to an account's fabric
 * runs under the account's row lock, so two requests cannot both take a VLAN id or overlapping subnets. Another
 * account's VLAN or network is simply not found.
 */
public final class NetworkService {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
    private final Stage.SessionFactory sessions;

    public NetworkService(Database db) {
        this.sessions = db.sessions();
    }

    /** The networks {@code account} may see and use: its own fabric networks and the shared external ones. */
    static final String VISIBLE = "from NetworkRecord where ownerAccount = :a or (ownerAccount is null and fabric = false)";

    /** Makes the account's default fabric unless it has it (accounts made before networks were records), in the caller's transaction. */
    static CompletionStage<Void> ensureDefault(Stage.Session s, UUID account) {
        return new DefaultFabric(HibernateSql.of(s)).ensure(account);
    }

    public Future<List<NetworkRecord>> list(Caller caller) {
        UUID a = caller.account().id;
        return Futures.of(sessions.withTransaction((s, tx) -> ensureDefault(s, a)
                .thenCompose(v -> s.createSelectionQuery(VISIBLE + " order by fabric, name", NetworkRecord.class)
                        .setParameter("a", a)
                        .getResultList())));
    }

    public Future<NetworkRecord> get(Caller caller, String ref) {
        return list(caller).map(all -> all.stream()
                .filter(n -> n.id.toString().equals(ref) || n.name.equals(ref))
                .findFirst()
                .orElseThrow(() -> GantryException.notFound("network " + ref + " not found")));
    }

    // ---- VLANs

    public Future<List<FabricVlanRecord>> vlans(Caller caller) {
        UUID a = caller.account().id;
        return Futures.of(sessions.withTransaction((s, tx) -> ensureDefault(s, a)
                .thenCompose(v -> s.createSelectionQuery("from FabricVlanRecord where accountId = :a order by vlanId", FabricVlanRecord.class)
                        .setParameter("a", a)
                        .getResultList())));
    }

    public Future<FabricVlanRecord> vlan(Caller caller, int vlanId) {
        UUID a = caller.account().id;
        return Futures.of(sessions.withTransaction((s, tx) -> ensureDefault(s, a).thenCompose(v -> findVlan(s, a, vlanId))));
    }

    public Future<FabricVlanRecord> createVlan(Caller caller, Integer vlanId, String name, String description) {
        UUID a = caller.account().id;
        return Futures.of(sessions.withTransaction((s, tx) -> locked(s, a).thenCompose(v -> {
            if (vlanId == null) {
                throw new GantryException(ErrorCode.MissingParameter, "vlan_id is required (0-4095)");
            }
            requireVlanId(vlanId);
            requireName(name, "VLAN");
            return vlansOf(s, a).thenCompose(existing -> {
                if (existing.stream().anyMatch(x -> x.vlanId == vlanId)) {
                    throw GantryException.invalid("VLAN " + vlanId + " already exists");
                }
                if (existing.stream().anyMatch(x -> x.name.equals(name))) {
                    throw GantryException.invalid("a VLAN named '" + name + "' already exists");
                }
                FabricVlanRecord vlan = new FabricVlanRecord();
                vlan.accountId = a;
                vlan.vlanId = vlanId;
                vlan.name = name;
                vlan.description = description;
                return s.persist(vlan).thenApply(x -> vlan);
            });
        })));
    }

    public Future<FabricVlanRecord> updateVlan(Caller caller, int vlanId, String name, String description) {
        UUID a = caller.account().id;
        return Futures.of(sessions.withTransaction((s, tx) -> locked(s, a).thenCompose(v -> findVlan(s, a, vlanId)).thenCompose(vlan -> {
            if (name == null) {
                return CompletableFuture.completedFuture(vlan);
            }
            requireName(name, "VLAN");
            return vlansOf(s, a).thenApply(all -> {
                if (all.stream().anyMatch(x -> x.name.equals(name) && x.vlanId != vlanId)) {
                    throw GantryException.invalid("a VLAN named '" + name + "' already exists");
                }
                vlan.name = name;
                return vlan;
            });
        }).thenApply(vlan -> {
            if (description != null) {
                vlan.description = description;
            }
            return vlan;
        })));
    }

    public Future<Void> deleteVlan(Caller caller, int vlanId) {
        UUID a = caller.account().id;
        return Futures.of(sessions.withTransaction((s, tx) -> locked(s, a).thenCompose(v -> findVlan(s, a, vlanId))
                .thenCompose(vlan -> networksOn(s, a, vlanId).thenCompose(nets -> {
                    if (!nets.isEmpty()) {
                        throw GantryException.invalidState("VLAN " + vlanId + " has networks (" + String.join(", ", nets.stream()
                                .map(n -> n.name).toList()) + "); delete them first");
                    }
                    return s.remove(vlan);
                }))));
    }

    // ---- fabric networks

    public Future<List<NetworkRecord>> fabricNetworks(Caller caller, int vlanId) {
        UUID a = caller.account().id;
        return Futures.of(sessions.withTransaction((s, tx) -> ensureDefault(s, a).thenCompose(v -> findVlan(s, a, vlanId))
                .thenCompose(vlan -> networksOn(s, a, vlanId))));
    }

    public Future<NetworkRecord> fabricNetwork(Caller caller, int vlanId, String ref) {
        return fabricNetworks(caller, vlanId).map(all -> all.stream()
                .filter(n -> n.id.toString().equals(ref) || n.name.equals(ref))
                .findFirst()
                .orElseThrow(() -> GantryException.notFound("network " + ref + " not found on VLAN " + vlanId)));
    }

    /** A new fabric network as Triton's CreateFabricNetwork takes it; refused, with nothing written, unless every field fits. */
    public Future<NetworkRecord> createFabricNetwork(Caller caller, int vlanId, NewFabricNetwork req) {
        UUID a = caller.account().id;
        return Futures.of(sessions.withTransaction((s, tx) -> locked(s, a).thenCompose(v -> findVlan(s, a, vlanId)).thenCompose(vlan -> {
            requireName(req.name(), "network");
            SubnetPlan plan = SubnetPlan.of(req.subnet(), req.provisionStartIp(), req.provisionEndIp(), req.gateway(), true);
            req.resolvers().forEach(r -> Ipv4.parse(r, "resolver"));
            return s.createSelectionQuery("from NetworkRecord where ownerAccount = :a", NetworkRecord.class)
                    .setParameter("a", a)
                    .getResultList()
                    .thenCompose(mine -> {
                        if (mine.stream().anyMatch(n -> n.name.equals(req.name()))) {
                            throw GantryException.invalid("a network named '" + req.name() + "' already exists");
                        }
                        plan.requireNoOverlap(mine.stream().filter(n -> n.fabric).map(n -> Ipv4Cidr.parse(n.subnet)).toList());
                        return s.createNativeQuery("select nextval('fabric_vni')", Long.class).getSingleResult();
                    })
                    .thenCompose(vni -> {
                        NetworkRecord n = new NetworkRecord();
                        n.id = UUID.randomUUID();
                        n.name = req.name();
                        n.isPublic = false;
                        n.fabric = true;
                        n.subnet = plan.subnet().toString();
                        n.gateway = plan.gateway() == null ? null : Ipv4.format(plan.gateway());
                        n.provisionStartIp = Ipv4.format(plan.start());
                        n.provisionEndIp = Ipv4.format(plan.end());
                        n.description = req.description();
                        n.ownerAccount = a;
                        n.vlanId = vlanId;
                        n.vni = vni.intValue();
                        n.nat = req.internetNat();
                        n.mtu = 1450;
                        n.resolvers = JsonText.write(req.resolvers());
                        return s.persist(n).thenApply(x -> n);
                    });
        })));
    }

    public Future<Void> deleteFabricNetwork(Caller caller, int vlanId, String ref) {
        UUID a = caller.account().id;
        return Futures.of(sessions.withTransaction((s, tx) -> locked(s, a).thenCompose(v -> findVlan(s, a, vlanId))
                .thenCompose(vlan -> networksOn(s, a, vlanId))
                .thenCompose(nets -> {
                    NetworkRecord n = nets.stream().filter(x -> x.id.toString().equals(ref) || x.name.equals(ref)).findFirst()
                            .orElseThrow(() -> GantryException.notFound("network " + ref + " not found on VLAN " + vlanId));
                    if (DefaultFabric.NETWORK_NAME.equals(n.name)) {
                        throw GantryException.invalidState("network " + n.name + " is the account's default network; it cannot be deleted");
                    }
                    return s.createSelectionQuery("select count(*) from NicRecord where networkId = :n", Long.class)
                            .setParameter("n", n.id)
                            .getSingleResult()
                            .thenCompose(held -> {
                                if (held > 0) {
                                    throw GantryException.invalidState("network " + n.name + " has " + held + " NIC" + (held == 1 ? "" : "s")
                                            + " on it; delete the machines or their NICs first");
                                }
                                return s.remove(n);
                            });
                })));
    }

    /** The account's row, locked until the transaction ends, and its default fabric made if it had none. */
    private static CompletionStage<Void> locked(Stage.Session s, UUID account) {
        return s.find(AccountRecord.class, account, LockMode.PESSIMISTIC_WRITE).thenCompose(x -> ensureDefault(s, account));
    }

    private static CompletionStage<FabricVlanRecord> findVlan(Stage.Session s, UUID account, int vlanId) {
        return s.find(FabricVlanRecord.class, new FabricVlanRecord.Key(account, vlanId)).thenApply(v -> {
            if (v == null) {
                throw GantryException.notFound("VLAN " + vlanId + " not found");
            }
            return v;
        });
    }

    private static CompletionStage<List<FabricVlanRecord>> vlansOf(Stage.Session s, UUID account) {
        return s.createSelectionQuery("from FabricVlanRecord where accountId = :a", FabricVlanRecord.class)
                .setParameter("a", account)
                .getResultList();
    }

    private static CompletionStage<List<NetworkRecord>> networksOn(Stage.Session s, UUID account, int vlanId) {
        return s.createSelectionQuery("from NetworkRecord where ownerAccount = :a and vlanId = :v order by name", NetworkRecord.class)
                .setParameter("a", account)
                .setParameter("v", vlanId)
                .getResultList();
    }

    private static void requireVlanId(int vlanId) {
        if (vlanId < 0 || vlanId > 4095) {
            throw GantryException.invalid("vlan_id " + vlanId + " is not a VLAN id (0-4095)");
        }
    }

    private static void requireName(String name, String what) {
        if (name == null || name.isBlank()) {
            throw new GantryException(ErrorCode.MissingParameter, "name is required (the " + what + "'s name)");
        }
        if (!NAME.matcher(name).matches()) {
            throw GantryException.invalid(what + " name '" + name + "' must be 1-64 letters, digits, '_', '.' or '-'");
        }
    }

    /** A CreateFabricNetwork request. */
    public record NewFabricNetwork(String name, String subnet, String provisionStartIp, String provisionEndIp, String gateway,
                                   List<String> resolvers, boolean internetNat, String description) {
        public NewFabricNetwork {
            resolvers = resolvers == null ? List.of() : List.copyOf(resolvers);
        }
    }
}
