package io.gantry.cluster.nemesis;

import io.gantry.cluster.nemesis.FinalState.MeteredUsage;
import io.gantry.cluster.nemesis.FinalState.RecordedMachine;
import io.gantry.testkit.SignedClient.Reply;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Reads the end state of a run through the cloud API, as a tenant sees it: each client's list of machines, and each
 * machine of the history the list does not show asked for by id (a deleted one answers 410 with its body). Also waits
 * for the cluster to settle before that: no machine between states, every running machine's zone on a node, and no zone
 * but those of running or stopped machines.
 */
final class EndState {
    private static final Set<String> SETTLED = Set.of("running", "stopped", "deleted", "failed");

    private EndState() {
    }

    static FinalState read(List<TenantClient> clients, List<Op> history, Map<String, Set<UUID>> zones, List<MeteredUsage> usage) {
        List<RecordedMachine> records = new ArrayList<>();
        for (TenantClient client : clients) {
            Set<UUID> listed = new HashSet<>();
            for (Map<String, Object> m : answered(client.raw("/my/machines"), 200).list()) {
                RecordedMachine r = recorded(m);
                records.add(r);
                listed.add(r.id());
            }
            history.stream().filter(op -> client.process().equals(op.process()) && op.machine() != null)
                    .map(Op::machine).distinct().filter(id -> !listed.contains(id)).forEach(id -> {
                        Reply r = client.raw("/my/machines/" + id);
                        if (r.status() != 404) {
                            records.add(recorded(answered(r, 200, 410).json()));
                        }
                    });
        }
        return new FinalState(records, zones, usage);
    }

    /**
     * Polls until every client's machines are settled and the nodes' zones are exactly the running ones, or
     * {@code timeout} passed; answers how long it took, or null when it did not settle.
     */
    static Duration awaitSettled(List<TenantClient> clients, Supplier<Map<String, Set<UUID>>> zones, Duration timeout)
            throws InterruptedException {
        long start = System.nanoTime();
        while (System.nanoTime() - start < timeout.toNanos()) {
            if (settled(clients, zones)) {
                return Duration.ofNanos(System.nanoTime() - start);
            }
            Thread.sleep(1000);
        }
        return null;
    }

    private static boolean settled(List<TenantClient> clients, Supplier<Map<String, Set<UUID>>> zones) {
        Set<UUID> running = new HashSet<>();
        Set<UUID> stopped = new HashSet<>();
        try {
            for (TenantClient client : clients) {
                Reply r = client.raw("/my/machines");
                if (r.status() != 200) {
                    return false;
                }
                for (Map<String, Object> m : r.list()) {
                    String state = String.valueOf(m.get("state"));
                    if (!SETTLED.contains(state)) {
                        return false;
                    }
                    if ("running".equals(state)) {
                        running.add(UUID.fromString(m.get("id").toString()));
                    } else if ("stopped".equals(state)) {
                        stopped.add(UUID.fromString(m.get("id").toString()));
                    }
                }
            }
        } catch (IllegalStateException unreachable) {
            return false;
        }
        Set<UUID> onNodes = new HashSet<>();
        zones.get().values().forEach(onNodes::addAll);
        // a stopped machine may keep its zone (stopped) on its node, as after its node was killed and came back
        Set<UUID> live = new HashSet<>(running);
        live.addAll(stopped);
        return onNodes.containsAll(running) && live.containsAll(onNodes);
    }

    private static RecordedMachine recorded(Map<String, Object> m) {
        Object node = m.get("compute_node");
        return new RecordedMachine(UUID.fromString(m.get("id").toString()), String.valueOf(m.get("state")),
                node == null ? null : node.toString(), m.get("package") == null ? null : m.get("package").toString());
    }

    private static Reply answered(Reply r, int... expected) {
        for (int status : expected) {
            if (r.status() == status) {
                return r;
            }
        }
        throw new IllegalStateException("the cloud API did not answer the end state: " + r);
    }
}
