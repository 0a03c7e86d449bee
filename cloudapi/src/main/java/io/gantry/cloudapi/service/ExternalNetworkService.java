package io.gantry.cloudapi.service;

import io.gantry.cloudapi.store.Database;
import io.gantry.cloudapi.store.NetworkRecord;
import io.gantry.common.ErrorCode;
import io.gantry.common.GantryException;
import io.gantry.common.net.Ipv4;
import io.gantry.common.net.Ipv4Cidr;
import io.vertx.core.Future;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;
import org.hibernate.reactive.stage.Stage;

/**
 * The operators' shared external networks ({@code /ops/networks}): public, not fabric, owned by no account, open to
 * every account's machines, and reached from outside the node. Their subnets never overlap one another (an address
 * is routed to the one node that holds it). One goes only while no NIC is on it.
 */
public final class ExternalNetworkService {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
    private final Stage.SessionFactory sessions;

    public ExternalNetworkService(Database db) {
        this.sessions = db.sessions();
    }

    /** An external network with how many NICs are on it. */
    public record InUse(NetworkRecord network, long nics) {
    }

    public Future<List<InUse>> list(Caller operator) {
        requireOperator(operator);
        return Futures.of(sessions.withSession(s -> s.createSelectionQuery(
                        "select n, (select count(*) from NicRecord c where c.networkId = n.id) from NetworkRecord n"
                                + " where n.ownerAccount is null and n.fabric = false order by n.name", Object[].class)
                .getResultList()
                .thenApply(rows -> rows.stream().map(r -> new InUse((NetworkRecord) r[0], (Long) r[1])).toList())));
    }

    public Future<InUse> get(Caller operator, String ref) {
        return list(operator).map(all -> all.stream()
                .filter(n -> n.network().id.toString().equals(ref) || n.network().name.equals(ref))
                .findFirst()
                .orElseThrow(() -> GantryException.notFound("external network " + ref + " not found")));
    }

    public Future<InUse> add(Caller operator, String name, String subnet, String start, String end, String gateway, String description) {
        requireOperator(operator);
        if (name == null || name.isBlank()) {
            return Future.failedFuture(new GantryException(ErrorCode.MissingParameter, "name is required"));
        }
        if (!NAME.matcher(name).matches()) {
            return Future.failedFuture(GantryException.invalid("network name '" + name + "' must be 1-64 letters, digits, '_', '.' or '-'"));
        }
        SubnetPlan plan;
        try {
            Ipv4Cidr cidr = Ipv4Cidr.parse(subnet);
            // by default: gateway the first address, the range all the others
            plan = SubnetPlan.of(subnet, start != null ? start : Ipv4.format(cidr.network() + 2),
                    end != null ? end : Ipv4.format(cidr.broadcast() - 1), gateway != null ? gateway : Ipv4.format(cidr.network() + 1), false);
        } catch (GantryException e) {
            return Future.failedFuture(e);
        }
        return Futures.of(sessions.withTransaction((s, tx) -> s.createNativeQuery(
                        "select 1 from (select pg_advisory_xact_lock(hashtext('external networks'))) x")
                .getResultList()
                .thenCompose(locked -> s.createSelectionQuery("from NetworkRecord where ownerAccount is null", NetworkRecord.class)
                        .getResultList())
                .thenCompose(shared -> {
                    if (shared.stream().anyMatch(n -> n.name.equals(name))) {
                        throw GantryException.invalid("a shared network named '" + name + "' already exists");
                    }
                    for (NetworkRecord n : shared) {
                        if (!n.fabric && Ipv4Cidr.parse(n.subnet).overlaps(plan.subnet())) {
                            throw GantryException.invalid("subnet " + plan.subnet() + " overlaps " + n.subnet + " of external network " + n.name);
                        }
                    }
                    NetworkRecord n = new NetworkRecord();
                    n.id = UUID.randomUUID();
                    n.name = name;
                    n.isPublic = true;
                    n.fabric = false;
                    n.subnet = plan.subnet().toString();
                    n.gateway = plan.gateway() == null ? null : Ipv4.format(plan.gateway());
                    n.provisionStartIp = Ipv4.format(plan.start());
                    n.provisionEndIp = Ipv4.format(plan.end());
                    n.description = description;
                    n.nat = false;
                    n.mtu = 1500;
                    n.resolvers = "[]";
                    return s.persist(n).thenApply(v -> new InUse(n, 0));
                })));
    }

    public Future<Void> remove(Caller operator, String ref) {
        return get(operator, ref).compose(found -> Futures.of(sessions.withTransaction((s, tx) -> s.find(NetworkRecord.class,
                        found.network().id, org.hibernate.LockMode.PESSIMISTIC_WRITE)
                .thenCompose(n -> s.createSelectionQuery("select count(*) from NicRecord where networkId = :n", Long.class)
                        .setParameter("n", n.id)
                        .getSingleResult()
                        .thenCompose(nics -> {
                            if (nics > 0) {
                                throw GantryException.invalidState("external network " + n.name + " has " + nics + " NIC"
                                        + (nics == 1 ? "" : "s") + " on it; remove them first");
                            }
                            return s.remove(n);
                        })))));
    }

    private static void requireOperator(Caller caller) {
        if (!caller.operator()) {
            throw new GantryException(ErrorCode.NotAuthorized, caller.account().login + " is not an operator");
        }
    }
}
