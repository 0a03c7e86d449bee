package io.gantry.cloudapi.service;

import io.gantry.cloudapi.store.NetworkRecord;
import io.gantry.cloudapi.store.NicRecord;
import io.gantry.common.GantryException;
import io.gantry.common.net.Ipv4;
import io.gantry.common.net.Ipv4Cidr;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import org.hibernate.reactive.stage.Stage;

/**
 * Gives a machine its NICs, in the caller's transaction: each network's row is locked (FOR UPDATE, in id order, so
 * two allocations never wait on each other in a circle) before its held addresses are read, so concurrent creates on
 * one network take turns and never pick the same address; {@code unique (network_id, ip)} stands behind that.
 * A network with no free address is a refusal, and as the caller's transaction then rolls back, nothing is left.
 */
final class IpAllocator {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private IpAllocator() {
    }

    /** One NIC to make: its network and the address asked for (null: the lowest free one). */
    record Wanted(NetworkRecord network, String ip) {
    }

    /** Makes the NICs (the first primary when {@code firstIsPrimary}) and persists them; answers them in order. */
    static CompletionStage<List<NicRecord>> allocate(Stage.Session s, UUID account, UUID machine, List<Wanted> wanted, boolean firstIsPrimary,
                                                     String state, OffsetDateTime now) {
        return plan(s, account, machine, wanted, firstIsPrimary, state, now)
                .thenCompose(made -> s.persist(made.toArray()).thenApply(v -> made));
    }

    /**
     * The NICs {@link #allocate} would make, not yet persisted: the caller persists them in this transaction (after
     * their machine's row, which they refer to), while the networks' locks are held. Each network's held addresses and
     * any NIC that already has one of the drawn MACs are read in one query.
     */
    static CompletionStage<List<NicRecord>> plan(Stage.Session s, UUID account, UUID machine, List<Wanted> wanted, boolean firstIsPrimary,
                                                 String state, OffsetDateTime now) {
        List<UUID> order = lockOrder(wanted);
        CompletionStage<Void> locks = CompletableFuture.completedFuture(null);
        for (UUID id : order) {
            locks = locks.thenCompose(v -> s.createNativeQuery("select cast(id as text) from networks where id = ?1 for update", String.class)
                    .setParameter(1, id)
                    .getResultList()
                    .thenAccept(rows -> {
                        if (rows.isEmpty()) {
                            throw GantryException.invalid("network " + id + " does not exist");
                        }
                    }));
        }
        List<NicRecord> made = draft(account, machine, wanted, firstIsPrimary, state, now);
        return locks.thenCompose(v -> s.createSelectionQuery("select ip, networkId, mac from NicRecord where networkId in :ids or mac in :macs",
                                Object[].class)
                        .setParameter("ids", order)
                        .setParameter("macs", made.stream().map(n -> n.mac).toList())
                        .getResultList())
                .thenCompose(rows -> assign(made, wanted, Held.of(order, rows)) ? uniqueMacs(s, made) : CompletableFuture.<Void>completedFuture(null))
                .thenApply(v -> made);
    }

    /** The networks' ids in the order their rows are locked (FOR UPDATE): by id, so no two allocations wait in a circle. */
    static List<UUID> lockOrder(List<Wanted> wanted) {
        return wanted.stream().map(w -> w.network().id).distinct().sorted().toList();
    }

    /** The NICs to make, each with a freshly drawn MAC and as yet no address. */
    static List<NicRecord> draft(UUID account, UUID machine, List<Wanted> wanted, boolean firstIsPrimary, String state, OffsetDateTime now) {
        List<NicRecord> made = new ArrayList<>();
        for (int i = 0; i < wanted.size(); i++) {
            NicRecord nic = new NicRecord();
            nic.mac = randomMac();
            nic.machineId = machine;
            nic.accountId = account;
            nic.networkId = wanted.get(i).network().id;
            nic.primaryNic = firstIsPrimary && i == 0;
            nic.state = state;
            nic.created = now.plusNanos(i * 1000L); // keeps the NICs' order: primary first, then as asked
            made.add(nic);
        }
        return made;
    }

    /**
     * What the locked networks hold: each one's addresses, and which of the drawn MACs any NIC has. {@link #assign} adds
     * the addresses it gives, so two NICs of one machine on one network never get the same one.
     */
    record Held(Map<UUID, Set<Long>> addresses, Set<String> macs) {
        /** From rows of (ip, network id, mac): every NIC on the networks of {@code order} or with one of the drawn MACs. */
        static Held of(List<UUID> order, Iterable<Object[]> rows) {
            Map<UUID, Set<Long>> addresses = new HashMap<>();
            order.forEach(id -> addresses.put(id, new HashSet<>()));
            Set<String> macs = new HashSet<>();
            for (Object[] r : rows) {
                Set<Long> on = addresses.get((UUID) r[1]);
                if (on != null) {
                    on.add(Ipv4.parse((String) r[0], "address"));
                }
                macs.add((String) r[2]);
            }
            return new Held(addresses, macs);
        }
    }

    /** Gives each drafted NIC its address; true when a MAC was drawn again, which the caller then checks once more. */
    static boolean assign(List<NicRecord> made, List<Wanted> wanted, Held held) {
        for (int i = 0; i < wanted.size(); i++) {
            Set<Long> taken = held.addresses().computeIfAbsent(wanted.get(i).network().id, id -> new HashSet<>());
            long ip = pick(wanted.get(i), taken);
            taken.add(ip);
            made.get(i).ip = Ipv4.format(ip);
        }
        return redrawClashes(made, held.macs());
    }

    /** Draws again each MAC that is {@code taken} or drawn twice; true when any was. */
    static boolean redrawClashes(List<NicRecord> nics, Set<String> taken) {
        Set<String> drawn = new HashSet<>();
        boolean again = false;
        for (NicRecord n : nics) {
            if (taken.contains(n.mac) || !drawn.add(n.mac)) {
                n.mac = randomMac();
                again = true;
            }
        }
        return again;
    }

    /** Draws the NICs' MACs again while one is taken (the MAC is the table's key): vanishingly rare with 2^40 values. */
    private static CompletionStage<Void> uniqueMacs(Stage.Session s, List<NicRecord> nics) {
        return s.createSelectionQuery("select mac from NicRecord where mac in :macs", String.class)
                .setParameter("macs", nics.stream().map(n -> n.mac).toList())
                .getResultList()
                .thenCompose(taken -> redrawClashes(nics, new HashSet<>(taken)) ? uniqueMacs(s, nics) : CompletableFuture.completedFuture(null));
    }

    /** The address {@code w} asks for, or the lowest free one, given the network's {@code taken} ones. */
    private static long pick(Wanted w, Set<Long> taken) {
        NetworkRecord n = w.network();
        SubnetPlan plan = plan(n);
        if (w.ip() != null) {
            long asked = Ipv4.parse(w.ip(), "ip");
            if (!plan.assignable(asked)) {
                throw GantryException.invalid("ip " + w.ip() + " cannot be given on network " + n.name + " (" + n.subnet + "): it must be a host"
                        + " address of the subnet other than the gateway");
            }
            if (taken.contains(asked)) {
                throw GantryException.invalid("ip " + w.ip() + " on network " + n.name + " is already in use");
            }
            return asked;
        }
        long free = plan.lowestFree(taken);
        if (free < 0) {
            throw GantryException.invalid("network " + n.name + " (" + n.subnet + ") has no free address left in its provision range "
                    + n.provisionStartIp + "-" + n.provisionEndIp + "; choose another network");
        }
        return free;
    }

    static SubnetPlan plan(NetworkRecord n) {
        return new SubnetPlan(Ipv4Cidr.parse(n.subnet), Ipv4.parse(n.provisionStartIp, "provision_start_ip"),
                Ipv4.parse(n.provisionEndIp, "provision_end_ip"), n.gateway == null ? null : Ipv4.parse(n.gateway, "gateway"));
    }

    /** {@code 02:} and five random bytes: locally administered, unicast. clashes are drawn again ({@link #uniqueMacs}). */
    static String randomMac() {
        long bits = ThreadLocalRandom.current().nextLong();
        char[] mac = "02:00:00:00:00:00".toCharArray();
        for (int octet = 1; octet <= 5; octet++) {
            int b = (int) (bits >>> (8 * (octet - 1))) & 0xff;
            mac[octet * 3] = HEX[b >>> 4];
            mac[octet * 3 + 1] = HEX[b & 0xf];
        }
        return new String(mac);
    }
}
