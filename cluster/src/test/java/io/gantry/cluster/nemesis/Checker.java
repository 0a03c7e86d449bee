package io.gantry.cluster.nemesis;

import io.gantry.cluster.nemesis.FinalState.MeteredUsage;
import io.gantry.cluster.nemesis.FinalState.RecordedMachine;
import io.gantry.cluster.nemesis.Violation.Rule;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * Checks a nemesis run: its {@link History} against the {@link FinalState} the cluster converged to. Pure logic, no
 * cluster: it answers every {@link Violation} it finds (none: the run is valid), each with the history entries that show
 * it. What it allows for: an operation recorded {@link Op.Type#INFO} may or may not have happened, so a machine whose
 * create's answer was lost may exist or not, but if it exists it obeys every rule an acknowledged one does.
 */
public final class Checker {
    /** Usage may differ from the node's counter by at most this fraction (0.1 %). */
    public static final double USAGE_TOLERANCE = 0.001;
    static final String RUNNING = "running";
    static final String DELETED = "deleted";

    private Checker() {
    }

    public static List<Violation> check(List<Op> history, FinalState end) {
        return new Run(history, end).violations();
    }

    /** One check: the history indexed by machine, and the violations found so far. */
    private static final class Run {
        private final Map<UUID, List<Op>> byMachine = new LinkedHashMap<>();
        private final Map<UUID, List<RecordedMachine>> records = new LinkedHashMap<>();
        private final Map<UUID, List<String>> zoneNodes = new HashMap<>();
        private final List<Op> history;
        private final FinalState end;
        private final List<Violation> found = new ArrayList<>();

        Run(List<Op> history, FinalState end) {
            this.history = history;
            this.end = end;
            for (Op op : history) {
                if (op.machine() != null) {
                    byMachine.computeIfAbsent(op.machine(), k -> new ArrayList<>()).add(op);
                }
            }
            for (RecordedMachine r : end.records()) {
                records.computeIfAbsent(r.id(), k -> new ArrayList<>()).add(r);
            }
            end.zones().forEach((node, ids) -> ids.forEach(id -> zoneNodes.computeIfAbsent(id, k -> new ArrayList<>()).add(node)));
        }

        List<Violation> violations() {
            byMachine.keySet().stream().filter(this::createAcknowledged).forEach(this::checkAcknowledgedCreate);
            records.forEach(this::checkRecord);
            byMachine.keySet().forEach(this::checkDeleteStays);
            zoneNodes.forEach(this::checkZone);
            end.usage().forEach(this::checkUsage);
            return List.copyOf(found);
        }

        private void checkAcknowledgedCreate(UUID id) {
            List<RecordedMachine> answered = records.getOrDefault(id, List.of());
            if (answered.isEmpty()) {
                violation(Rule.ACKNOWLEDGED_CREATE, id, "the create was acknowledged but no machine has this id");
            } else if (answered.size() > 1) {
                violation(Rule.ACKNOWLEDGED_CREATE, id, "the create was acknowledged and " + answered.size() + " machines answer this id: "
                        + answered);
            } else if (!Set.of(RUNNING, DELETED).contains(answered.get(0).state())) {
                violation(Rule.ACKNOWLEDGED_CREATE, id, "the create was acknowledged but the machine ended " + answered.get(0).state()
                        + ", neither running nor deleted");
            }
        }

        private void checkRecord(UUID id, List<RecordedMachine> answered) {
            if (!createAsked(id)) {
                violation(Rule.UNASKED_MACHINE, id, "no client asked for this machine, yet it is " + answered.get(0).state());
                return;
            }
            if (!createAcknowledged(id) && !createMaybeDone(id)) {
                violation(Rule.UNASKED_MACHINE, id, "every create of this machine was refused, yet it is " + answered.get(0).state());
                return;
            }
            RecordedMachine r = answered.get(0);
            if (!createAcknowledged(id)) {
                if (answered.size() > 1) {
                    violation(Rule.NOT_CONVERGED, id, answered.size() + " machines answer this id: " + answered);
                } else if (!Set.of(RUNNING, DELETED).contains(r.state())) {
                    violation(Rule.NOT_CONVERGED, id, "the machine (its create's answer was lost) ended " + r.state()
                            + ", neither running nor deleted");
                }
            }
            if (RUNNING.equals(r.state())) {
                List<String> nodes = zoneNodes.getOrDefault(id, List.of());
                if (nodes.size() != 1) {
                    violation(Rule.RUNNING_WITHOUT_ONE_ZONE, id, "the record says running on " + r.node() + " but "
                            + (nodes.isEmpty() ? "no node has its zone" : "nodes " + nodes + " have its zone"));
                }
            }
            Set<String> asked = requestedPackages(id);
            if (r.pkg() != null && !asked.contains(r.pkg())) {
                violation(Rule.UNREQUESTED_PACKAGE, id, "the machine has package " + r.pkg() + ", but it was only ever asked for " + asked);
            }
        }

        /**
         * A delete is asynchronous (204: accepted; the machine shows deleted once its node removed the zone), so a read
         * right after the acknowledgement may still show it alive. What must not happen: once a read begun after the
         * acknowledgement has shown it deleted (or absent), a read begun after that one ended shows it alive; and at the
         * end it is deleted and no node has its zone.
         */
        private void checkDeleteStays(UUID id) {
            Op deleted = ops(id).stream().filter(op -> op.action() == Op.Action.DELETE && op.ok()).findFirst().orElse(null);
            if (deleted == null) {
                return;
            }
            Op gone = null;
            for (Op read : readsInvokedAfter(deleted)) {
                String seen = SeenStates.read(read.answer()).get(id);
                if (seen == null) {
                    continue;
                }
                boolean alive = !DELETED.equals(seen) && !SeenStates.ABSENT.equals(seen);
                if (gone == null && !alive) {
                    gone = read;
                } else if (gone != null && alive && invokedAfter(read, gone)) {
                    violation(Rule.DELETE_CAME_BACK, id, "entry #" + read.index() + " shows the machine " + seen + " after entry #"
                            + gone.index() + " had shown it " + SeenStates.read(gone.answer()).get(id) + " (delete acknowledged at #"
                            + deleted.index() + ")");
                }
            }
            records.getOrDefault(id, List.of()).stream().filter(r -> !DELETED.equals(r.state())).findFirst().ifPresent(r ->
                    violation(Rule.DELETE_CAME_BACK, id, "the delete was acknowledged (#" + deleted.index() + ") but the machine ended "
                            + r.state()));
            if (zoneNodes.containsKey(id)) {
                violation(Rule.DELETE_CAME_BACK, id, "the delete was acknowledged (#" + deleted.index() + ") but nodes "
                        + zoneNodes.get(id) + " still have its zone");
            }
        }

        /** Every zone must belong to a live record that places it on that node. */
        private void checkZone(UUID id, List<String> nodes) {
            List<RecordedMachine> answered = records.getOrDefault(id, List.of());
            if (answered.isEmpty()) {
                violation(Rule.ORPHAN_ZONE, id, "nodes " + nodes + " have a zone for it but no record has this id");
                return;
            }
            RecordedMachine r = answered.get(0);
            if (DELETED.equals(r.state()) && ops(id).stream().noneMatch(op -> op.action() == Op.Action.DELETE && op.ok())) {
                violation(Rule.ORPHAN_ZONE, id, "the record is deleted but nodes " + nodes + " still have its zone");
            }
            for (String node : nodes) {
                if (r.node() != null && !r.node().equals(node)) {
                    violation(Rule.ORPHAN_ZONE, id, "node " + node + " has its zone but the record places it on " + r.node());
                }
            }
        }

        private void checkUsage(MeteredUsage u) {
            if (!u.agrees()) {
                double off = u.metered() < u.earlier() ? u.earlier() - u.metered() : u.metered() - u.groundTruth();
                violation(Rule.USAGE_MISMATCH, u.machine(), String.format("%s metered %.6f, the node's counter says %.6f now and said"
                        + " %.6f a few seconds before (off by %.4f %%; allowed %.1f %% outside that range)", u.counter(), u.metered(),
                        u.groundTruth(), u.earlier(), u.groundTruth() == 0 ? Double.POSITIVE_INFINITY : 100 * off / Math.abs(u.groundTruth()),
                        100 * USAGE_TOLERANCE));
            }
        }

        private List<Op> ops(UUID id) {
            return byMachine.getOrDefault(id, List.of());
        }

        private boolean createAsked(UUID id) {
            return ops(id).stream().anyMatch(op -> op.action() == Op.Action.CREATE);
        }

        private boolean createAcknowledged(UUID id) {
            return ops(id).stream().anyMatch(op -> op.action() == Op.Action.CREATE && op.ok());
        }

        /** A create with no completion (the run ended first) or an INFO one may have happened. */
        private boolean createMaybeDone(UUID id) {
            int open = 0;
            for (Op op : ops(id)) {
                if (op.action() != Op.Action.CREATE) {
                    continue;
                }
                if (op.type() == Op.Type.INFO) {
                    return true;
                }
                open += op.type() == Op.Type.INVOKE ? 1 : -1;
            }
            return open > 0;
        }

        private Set<String> requestedPackages(UUID id) {
            Set<String> pkgs = new TreeSet<>();
            ops(id).stream().filter(op -> op.type() == Op.Type.INVOKE && op.argument() != null
                    && (op.action() == Op.Action.CREATE || op.action() == Op.Action.RESIZE)).forEach(op -> pkgs.add(op.argument()));
            return pkgs;
        }

        /** The acknowledged reads (gets and lists) whose invoke came after {@code after}, in the order they completed. */
        private List<Op> readsInvokedAfter(Op after) {
            List<Op> out = new ArrayList<>();
            for (Op op : history) {
                boolean read = op.action() == Op.Action.GET || op.action() == Op.Action.LIST;
                if (read && op.ok() && invokedAfter(op, after)) {
                    out.add(op);
                }
            }
            return out;
        }

        /** True when the completion {@code op} belongs to an invoke made after the entry {@code after}. */
        private boolean invokedAfter(Op op, Op after) {
            return invokeOf(op) > after.index();
        }

        /** The index of the invoke a completion answers: its process's latest invoke before it (a process waits for each). */
        private long invokeOf(Op completion) {
            for (int i = (int) completion.index() - 1; i >= 0; i--) {
                Op op = history.get(i);
                if (op.process().equals(completion.process()) && op.type() == Op.Type.INVOKE) {
                    return op.index();
                }
            }
            return -1;
        }

        private void violation(Rule rule, UUID id, String detail) {
            found.add(new Violation(rule, id, detail, id == null ? List.of() : ops(id)));
        }
    }
}
