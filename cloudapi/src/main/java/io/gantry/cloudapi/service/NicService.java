package io.gantry.cloudapi.service;

import io.gantry.cloudapi.store.Database;
import io.gantry.cloudapi.store.MachineRecord;
import io.gantry.cloudapi.store.NetworkRecord;
import io.gantry.cloudapi.store.NicRecord;
import io.gantry.common.ErrorCode;
import io.gantry.common.GantryException;
import io.gantry.common.JobKind;
import io.gantry.record.HibernateSql;
import io.gantry.record.JobLedger;
import io.vertx.core.Future;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.hibernate.LockMode;
import org.hibernate.reactive.stage.Stage;

/**
 * A machine's NICs (Triton's {@code /:login/machines/:id/nics}). Adding one allocates its address at once (state
 * {@code provisioning}) and queues an {@link JobKind#UPDATE_NICS} job, whose end marks it {@code running}; removing one
 * marks it {@code removing} and queues the same job, whose end frees its address. As Triton, the primary NIC cannot
 * be removed while the machine has others.
 */
public final class NicService {
    private final Stage.SessionFactory sessions;

    public NicService(Database db) {
        this.sessions = db.sessions();
    }

    /** A NIC with the network it is on (its netmask and gateway come from there). */
    public record Nic(NicRecord nic, NetworkRecord network) {
    }

    public Future<List<Nic>> list(Caller caller, UUID machine) {
        return Futures.of(sessions.withSession(s -> CallerMachines.owned(s, caller, machine, LockMode.NONE).thenCompose(m -> nicsOf(s, machine))));
    }

    public Future<Nic> get(Caller caller, UUID machine, String mac) {
        String wanted = normalMac(mac);
        return list(caller, machine).map(all -> all.stream().filter(n -> n.nic().mac.equals(wanted)).findFirst()
                .orElseThrow(() -> GantryException.notFound("NIC " + mac + " not found on machine " + machine)));
    }

    public Future<Nic> add(Caller caller, UUID machine, NetworkChoice choice) {
        if (choice.network() == null || choice.network().isBlank()) {
            return Future.failedFuture(new GantryException(ErrorCode.MissingParameter,
                    "network is required (a network id or name from ListNetworks)"));
        }
        UUID account = caller.account().id;
        return Futures.of(sessions.withTransaction((s, tx) -> CallerMachines.changing(s, caller, machine, JobKind.UPDATE_NICS).thenCompose(m ->
                Lookups.networks(s, account, List.of(choice)).thenCompose(wanted -> nicsOf(s, machine)
                        .thenCompose(existing -> IpAllocator.allocate(s, account, machine, wanted,
                                existing.stream().noneMatch(n -> !NicRecord.REMOVING.equals(n.nic().state)), NicRecord.PROVISIONING,
                                MachineService.now()))
                        .thenCompose(made -> queue(s, caller, m, made.get(0).mac, "add")
                                .thenApply(v -> new Nic(made.get(0), wanted.get(0).network())))))));
    }

    public Future<Void> remove(Caller caller, UUID machine, String mac) {
        String wanted = normalMac(mac);
        return Futures.of(sessions.withTransaction((s, tx) -> CallerMachines.changing(s, caller, machine, JobKind.UPDATE_NICS).thenCompose(m -> nicsOf(s, machine)
                .thenCompose(all -> {
                    Nic nic = all.stream().filter(n -> n.nic().mac.equals(wanted)).findFirst()
                            .orElseThrow(() -> GantryException.notFound("NIC " + mac + " not found on machine " + machine));
                    if (NicRecord.REMOVING.equals(nic.nic().state)) {
                        return CompletableFuture.<Void>completedFuture(null); // already on its way out
                    }
                    boolean others = all.stream().anyMatch(n -> n != nic && !NicRecord.REMOVING.equals(n.nic().state));
                    if (nic.nic().primaryNic && others) {
                        throw GantryException.invalidState("NIC " + nic.nic().mac + " is the machine's primary NIC; remove its other NICs first");
                    }
                    nic.nic().state = NicRecord.REMOVING;
                    return queue(s, caller, m, nic.nic().mac, "remove");
                }))));
    }

    /** The job that has the node make the zone's NICs the record's; it carries the node's image name, as a provision does. */
    private static CompletionStage<Void> queue(Stage.Session s, Caller caller, MachineRecord m, String mac, String change) {
        return s.createNativeQuery("select node_image from images where id = ?1", String.class)
                .setParameter(1, m.imageId)
                .getResultList()
                .thenCompose(images -> {
                    Map<String, Object> params = new LinkedHashMap<>();
                    params.put("image", images.isEmpty() ? m.imageName : images.get(0));
                    params.put(change, mac);
                    m.updated = MachineService.now();
                    return new JobLedger(HibernateSql.of(s)).queue(JobLedger.Job.of(m.id, JobKind.UPDATE_NICS, params, caller.describe()));
                });
    }



    private static CompletionStage<List<Nic>> nicsOf(Stage.Session s, UUID machine) {
        return s.createSelectionQuery("from NicRecord where machineId = :m order by primaryNic desc, created, mac", NicRecord.class)
                .setParameter("m", machine)
                .getResultList()
                .thenCompose(nics -> nics.isEmpty()
                        ? CompletableFuture.completedFuture(List.<Nic>of())
                        : s.createSelectionQuery("from NetworkRecord where id in :ids", NetworkRecord.class)
                                .setParameter("ids", nics.stream().map(n -> n.networkId).distinct().toList())
                                .getResultList()
                                .thenApply(nets -> {
                                    Map<UUID, NetworkRecord> byId = new HashMap<>();
                                    nets.forEach(n -> byId.put(n.id, n));
                                    return nics.stream().map(n -> new Nic(n, byId.get(n.networkId))).toList();
                                }));
    }

    /** A MAC as Triton's API takes it in a path: with or without colons, any case; answers the stored form. */
    static String normalMac(String mac) {
        String hex = mac == null ? "" : mac.replace(":", "").replace("-", "").toLowerCase(Locale.ROOT);
        if (!hex.matches("[0-9a-f]{12}")) {
            throw GantryException.invalid("'" + mac + "' is not a MAC address (12 hex digits, with or without ':')");
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < 12; i += 2) {
            out.append(i == 0 ? "" : ":").append(hex, i, i + 2);
        }
        return out.toString();
    }

}
