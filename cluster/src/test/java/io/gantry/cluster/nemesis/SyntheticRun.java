package io.gantry.cluster.nemesis;

import io.gantry.cluster.nemesis.FinalState.MeteredUsage;
import io.gantry.cluster.nemesis.FinalState.RecordedMachine;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/** A hand-made history and end state for the checker's tests: each call records one invoke and its completion. */
final class SyntheticRun {
    final History history = History.inMemory();
    final List<RecordedMachine> records = new ArrayList<>();
    final Map<String, Set<UUID>> zones = new LinkedHashMap<>();
    final List<MeteredUsage> usage = new ArrayList<>();

    Op create(String client, UUID id, String pkg, Op.Type outcome) {
        return history.complete(history.invoke(client, Op.Action.CREATE, id, pkg), outcome, outcome == Op.Type.OK ? "201" : "lost");
    }

    Op resize(String client, UUID id, String pkg, Op.Type outcome) {
        return history.complete(history.invoke(client, Op.Action.RESIZE, id, pkg), outcome, outcome == Op.Type.OK ? "202" : "409");
    }

    Op delete(String client, UUID id, Op.Type outcome) {
        return history.complete(history.invoke(client, Op.Action.DELETE, id, null), outcome, outcome == Op.Type.OK ? "204" : "lost");
    }

    Op get(String client, UUID id, String state) {
        return history.complete(history.invoke(client, Op.Action.GET, id, null), Op.Type.OK, SeenStates.write(Map.of(id, state)));
    }

    /** The machine as the API answers it at the end, and (when it runs) its zone on {@code node}. */
    SyntheticRun recorded(UUID id, String state, String node, String pkg) {
        records.add(new RecordedMachine(id, state, node, pkg));
        if (Checker.RUNNING.equals(state)) {
            zone(node, id);
        }
        return this;
    }

    SyntheticRun zone(String node, UUID id) {
        zones.computeIfAbsent(node, k -> new HashSet<>()).add(id);
        return this;
    }

    List<Violation> check() {
        return Checker.check(history.ops(), new FinalState(records, zones, usage));
    }
}
