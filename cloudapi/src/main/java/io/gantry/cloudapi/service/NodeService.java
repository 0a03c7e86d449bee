package io.gantry.cloudapi.service;

import io.gantry.cloudapi.store.ComputeNodeRecord;
import io.gantry.cloudapi.store.Database;
import io.gantry.cloudapi.store.MachineRecord;
import io.gantry.common.ErrorCode;
import io.gantry.common.GantryException;
import io.gantry.common.JobKind;
import io.gantry.common.ZoneState;
import io.gantry.record.HibernateSql;
import io.gantry.record.JobLedger;
import io.vertx.core.Future;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.regex.Pattern;
import org.hibernate.LockMode;
import org.hibernate.reactive.stage.Stage;

/**
 * Operators see and steer compute nodes from the record: what the provisioner leader last saw of each
 * ({@code compute_nodes}), what is booked and runs there ({@code machines}), and the operators' own say:
 * maintenance (no new placements), drain (maintenance, and a stop job for every running machine, oldest
 * first), retirement (never placed on again; only once no machine is on it), and giving up the machines of
 * a node that is gone for good. Never reaches ZooKeeper or a node: the provisioner carries it out.
 */
public final class NodeService {
    /** A node's name, as agents take it ({@code AgentConfig}). */
    static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,15}");
    private static final List<String> NOT_BOOKED = List.of(ZoneState.DELETED.wireName(), ZoneState.FAILED.wireName());

    /** Memory and disk in MiB, vCPUs, and how many machines they add up from. */
    public record Totals(long memory, long disk, long vcpus, long machines) {
        static final Totals NONE = new Totals(0, 0, 0, 0);

        Totals plus(long memory, long disk, long vcpus, long machines) {
            return new Totals(this.memory + memory, this.disk + disk, this.vcpus + vcpus, this.machines + machines);
        }
    }

    /**
     * One node: its row, what is booked there (every machine but deleted and failed ones: what placement counts),
     * what is used (the machines recorded running), its machines by state, and when this was read.
     */
    public record Status(ComputeNodeRecord node, Totals booked, Totals used, Map<String, Long> zones, OffsetDateTime at) {
    }

    /** A machine on a node, with its owner's login. */
    public record Machine(UUID id, String name, String owner, String state, long memory, long disk, int vcpus, OffsetDateTime created) {
    }

    public record Detail(Status status, List<Machine> machines) {
    }

    /** A drain's outcome: the node, and the machines a stop job was queued for, in the order they were queued. */
    public record Drained(Status status, List<UUID> stopping) {
    }

    private final Stage.SessionFactory sessions;

    public NodeService(Database db) {
        this.sessions = db.sessions();
    }

    /** Every node the record knows, by name. */
    public Future<List<Status>> list(Caller operator) {
        return Futures.of(sessions.withSession(s -> {
            requireOperator(operator);
            return s.createSelectionQuery("from ComputeNodeRecord order by name", ComputeNodeRecord.class).getResultList()
                    .thenCompose(nodes -> machineTotals(s, null).thenApply(totals -> {
                        OffsetDateTime at = MachineService.now();
                        return nodes.stream().map(n -> status(n, totals.get(n.name), at)).toList();
                    }));
        }));
    }

    /** One node and its machines (all but deleted ones), oldest first. */
    public Future<Detail> get(Caller operator, String name) {
        return Futures.of(sessions.withSession(s -> {
            requireOperator(operator);
            return find(s, name, LockMode.NONE).thenCompose(n -> detail(s, n));
        }));
    }

    /** Closes the node to new machines, or opens it again; a retired node stays closed. */
    public Future<Status> maintenance(Caller operator, String name, boolean on) {
        return Futures.of(sessions.withTransaction((s, tx) -> {
            requireOperator(operator);
            return find(s, name, LockMode.PESSIMISTIC_WRITE).thenCompose(n -> {
                if (!on && n.retiredAt != null) {
                    throw GantryException.invalidState("node " + n.name + " is retired; it cannot leave maintenance");
                }
                n.maintenance = on;
                return detail(s, n).thenApply(Detail::status);
            });
        }));
    }

    /**
     * Maintenance on, and with {@code stop} a stop job for every running machine on the node, queued oldest machine first
     * (the provisioner takes jobs in the order they were queued), in the same transaction.
     */
    public Future<Drained> drain(Caller operator, String name, boolean stop) {
        return Futures.of(sessions.withTransaction((s, tx) -> {
            requireOperator(operator);
            return find(s, name, LockMode.PESSIMISTIC_WRITE).thenCompose(n -> {
                if (n.retiredAt != null) {
                    throw GantryException.invalidState("node " + n.name + " is retired; there is nothing on it to drain");
                }
                n.maintenance = true;
                if (!stop) {
                    return detail(s, n).thenApply(d -> new Drained(d.status(), List.of()));
                }
                return s.createSelectionQuery("from MachineRecord where computeNode = :n and state = :s order by created, id", MachineRecord.class)
                        .setParameter("n", n.name)
                        .setParameter("s", ZoneState.RUNNING.wireName())
                        .getResultList()
                        .thenCompose(running -> queueStops(s, running, "operator " + operator.account().login + " (drain of node " + n.name + ")")
                                .thenCompose(v -> detail(s, n))
                                .thenApply(d -> new Drained(d.status(), running.stream().map(m -> m.id).toList())));
            });
        }));
    }

    /** Marks the node retired (never placed on again); refused while any machine that is not deleted is on it. */
    public Future<Status> retire(Caller operator, String name) {
        return Futures.of(sessions.withTransaction((s, tx) -> {
            requireOperator(operator);
            return find(s, name, LockMode.PESSIMISTIC_WRITE).thenCompose(n -> onNode(s, n.name).thenCompose(machines -> {
                if (!machines.isEmpty()) {
                    Map<String, Long> byState = new TreeMap<>();
                    machines.forEach(m -> byState.merge(m.state(), 1L, Long::sum));
                    throw GantryException.invalidState("node " + n.name + " still has " + count(machines.size()) + " (" + states(byState)
                            + "); stop and delete them (or, if the node is lost, forget them) first");
                }
                if (n.retiredAt == null) {
                    n.retiredAt = MachineService.now();
                }
                n.maintenance = true;
                return detail(s, n).thenApply(Detail::status);
            }));
        }));
    }

    /**
     * Gives up every machine (but deleted ones) on a lost node: each is {@code failed}, with an error naming the node,
     * and no longer on any node, so its tenant can delete it (without a node to ask) and the node can be retired.
     * Refused while the node is alive. Answers the machines given up.
     */
    public Future<List<UUID>> forgetMachines(Caller operator, String name) {
        return Futures.of(sessions.withTransaction((s, tx) -> {
            requireOperator(operator);
            return find(s, name, LockMode.PESSIMISTIC_WRITE).thenCompose(n -> {
                if (n.alive) {
                    throw GantryException.invalidState("node " + n.name + " is alive; only a lost node's machines can be forgotten"
                            + " (drain it to stop them)");
                }
                return onNode(s, n.name).thenCompose(machines -> {
                    String error = "node " + n.name + " was lost and its machines given up by operator " + operator.account().login
                            + "; delete this machine";
                    JobLedger ledger = new JobLedger(HibernateSql.of(s));
                    CompletionStage<Void> done = CompletableFuture.completedStage(null);
                    for (Machine m : machines) {
                        done = done.thenCompose(v -> ledger.abandon(m.id(), "forget", error, "operator " + operator.account().login));
                    }
                    return done.thenApply(v -> machines.stream().map(Machine::id).toList());
                });
            });
        }));
    }

    /** The machines shown {@code stopping} and their stop jobs queued in one statement, in the list's order. */
    private static CompletionStage<Void> queueStops(Stage.Session s, List<MachineRecord> running, String caller) {
        if (running.isEmpty()) {
            return CompletableFuture.completedStage(null);
        }
        List<UUID> ids = running.stream().map(m -> m.id).toList();
        running.forEach(s::detach); // the bulk update below writes them; the session's copies would be stale
        return s.createMutationQuery("update MachineRecord set state = :s, updated = :t where id in :ids")
                .setParameter("s", ZoneState.STOPPING.wireName())
                .setParameter("t", MachineService.now())
                .setParameter("ids", ids)
                .executeUpdate()
                .thenCompose(n -> new JobLedger(HibernateSql.of(s)).queue(ids.stream()
                        .map(id -> JobLedger.Job.of(id, JobKind.STOP, Map.of(), caller)).toList()));
    }

    private static CompletionStage<Detail> detail(Stage.Session s, ComputeNodeRecord n) {
        return machineTotals(s, n.name).thenCompose(totals -> onNode(s, n.name)
                .thenApply(machines -> new Detail(status(n, totals.get(n.name), MachineService.now()), machines)));
    }

    private static Status status(ComputeNodeRecord n, NodeTotals totals, OffsetDateTime at) {
        NodeTotals t = totals == null ? new NodeTotals() : totals;
        return new Status(n, t.booked, t.used, Map.copyOf(t.zones), at);
    }

    /** What the machines of one node (or of every node, {@code node} null) add up to. */
    private static final class NodeTotals {
        Totals booked = Totals.NONE;
        Totals used = Totals.NONE;
        final Map<String, Long> zones = new TreeMap<>();
    }

    private static CompletionStage<Map<String, NodeTotals>> machineTotals(Stage.Session s, String node) {
        String where = node == null ? "" : " and m.computeNode = :n";
        var q = s.createSelectionQuery("select m.computeNode, m.state, count(m), sum(m.memory), sum(m.disk), sum(m.vcpus)"
                + " from MachineRecord m where m.computeNode is not null and m.state <> 'deleted'" + where
                + " group by m.computeNode, m.state", Object[].class);
        if (node != null) {
            q.setParameter("n", node);
        }
        return q.getResultList().thenApply(rows -> {
            Map<String, NodeTotals> out = new HashMap<>();
            for (Object[] r : rows) {
                NodeTotals t = out.computeIfAbsent((String) r[0], k -> new NodeTotals());
                String state = (String) r[1];
                long count = ((Number) r[2]).longValue();
                long memory = ((Number) r[3]).longValue();
                long disk = ((Number) r[4]).longValue();
                long vcpus = ((Number) r[5]).longValue();
                t.zones.put(state, count);
                if (!NOT_BOOKED.contains(state)) {
                    t.booked = t.booked.plus(memory, disk, vcpus, count);
                }
                if (ZoneState.RUNNING.wireName().equals(state)) {
                    t.used = t.used.plus(memory, disk, vcpus, count);
                }
            }
            return out;
        });
    }

    /** The node's machines that are not deleted, oldest first, with their owners. */
    private static CompletionStage<List<Machine>> onNode(Stage.Session s, String node) {
        return s.createSelectionQuery("select m.id, m.name, a.login, m.state, m.memory, m.disk, m.vcpus, m.created"
                        + " from MachineRecord m, AccountRecord a where a.id = m.accountId and m.computeNode = :n and m.state <> 'deleted'"
                        + " order by m.created, m.id", Object[].class)
                .setParameter("n", node)
                .getResultList()
                .thenApply(rows -> {
                    List<Machine> out = new ArrayList<>();
                    for (Object[] r : rows) {
                        out.add(new Machine((UUID) r[0], (String) r[1], (String) r[2], (String) r[3], ((Number) r[4]).longValue(),
                                ((Number) r[5]).longValue(), ((Number) r[6]).intValue(), (OffsetDateTime) r[7]));
                    }
                    return out;
                });
    }

    /** The node by name; a malformed name is InvalidArgument, one the record does not know ResourceNotFound. */
    private static CompletionStage<ComputeNodeRecord> find(Stage.Session s, String name, LockMode lock) {
        checkName(name);
        return s.find(ComputeNodeRecord.class, name, lock).thenApply(n -> {
            if (n == null) {
                throw GantryException.notFound("node " + name + " not found");
            }
            return n;
        });
    }

    static void checkName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw GantryException.invalid("node name must be 1-16 lower-case letters, digits or '-' (a letter or digit first); got '"
                    + (name == null ? "" : name.length() > 40 ? name.substring(0, 40) + "…" : name) + "'");
        }
    }

    private static String count(int n) {
        return n == 1 ? "1 machine" : n + " machines";
    }

    private static String states(Map<String, Long> byState) {
        StringBuilder out = new StringBuilder();
        byState.forEach((state, n) -> out.append(out.isEmpty() ? "" : ", ").append(n).append(' ').append(state));
        return out.toString();
    }

    private static void requireOperator(Caller caller) {
        if (!caller.operator()) {
            throw new GantryException(ErrorCode.NotAuthorized, caller.account().login + " is not an operator");
        }
    }
}
