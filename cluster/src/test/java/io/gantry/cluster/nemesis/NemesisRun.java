package io.gantry.cluster.nemesis;

import io.gantry.cluster.nemesis.FinalState.MeteredUsage;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * A whole nemesis run: the workload and the nemesis side by side for a duration, the nemesis heals everything, the
 * cluster is given time to settle, the end state is read and the {@link Checker} judges the history against it.
 *
 * @param zones the nodes' zones, read on the nodes themselves (by node name); the cluster provides it
 * @param usage metered usage beside the zones' cgroup counters, read at the end; empty where zones are simulated
 */
public record NemesisRun(History history, Workload workload, Nemesis nemesis, Supplier<Map<String, Set<UUID>>> zones,
                         Supplier<List<MeteredUsage>> usage) {

    /** What a run found: the violations (none: valid), the end state, and the figures of the report. */
    public record Result(List<Violation> violations, FinalState end, int faults, Duration settledIn, String summary) {
        public boolean valid() {
            return violations.isEmpty();
        }

        /** The summary and every violation with its evidence. */
        public String report() {
            return summary + violations.stream().map(v -> "\n" + v.describe()).collect(Collectors.joining());
        }

        /** Prints the report and keeps it and the end state (to check again) as {@code <prefix>report-<seed>.txt} and {@code <prefix>end-<seed>.json}. */
        public Result keep(java.nio.file.Path dir, String prefix, long seed) throws java.io.IOException {
            System.out.println(report());
            java.nio.file.Files.writeString(dir.resolve(prefix + "report-" + seed + ".txt"), report());
            java.nio.file.Files.writeString(dir.resolve(prefix + "end-" + seed + ".json"), io.gantry.common.Json.write(end));
            return this;
        }
    }

    /**
     * The tests' run: the clients create with the first package and resize between the packages, each keeping at most 4
     * machines, {@code pause} between operations, a lost answer tried 5 more times; a fault every 10-30 s.
     */
    static NemesisRun standard(History history, List<TenantClient> clients, List<String> packages, Duration pause, List<Fault> faults,
                               long seed, Supplier<Map<String, Set<UUID>>> zones, Supplier<List<MeteredUsage>> usage) {
        Workload workload = new Workload(clients, new Workload.Settings(packages, 4, pause, 5), seed);
        return new NemesisRun(history, workload, Nemesis.every10To30Seconds(history, faults, seed), zones, usage);
    }

    public Result run(Duration duration, Duration settleTimeout) throws InterruptedException {
        Thread breaker = new Thread(() -> {
            try {
                nemesis.runFor(duration);
            } catch (InterruptedException e) {
                nemesis.healAll();
            }
        }, "nemesis");
        breaker.start();
        try {
            workload.runFor(duration);
        } finally {
            breaker.join();
        }
        Duration settled = EndState.awaitSettled(workload.clients(), zones, settleTimeout);
        List<Op> ops = history.ops();
        FinalState end = EndState.read(workload.clients(), ops, zones.get(), usage.get());
        List<Violation> violations = Checker.check(ops, end);
        return new Result(violations, end, nemesis.injected(), settled, summary(ops, end, violations, settled));
    }

    /** Counts of operations by action and outcome, the faults, how the run ended. */
    static String summary(List<Op> ops, FinalState end, List<Violation> violations, Duration settled) {
        Map<String, Long> counts = ops.stream().filter(op -> op.type() != Op.Type.INVOKE)
                .collect(Collectors.groupingBy(op -> op.action() + " " + op.type(), TreeMap::new, Collectors.counting()));
        String faults = ops.stream().filter(op -> op.action() == Op.Action.FAULT && op.type() == Op.Type.INVOKE)
                .map(Op::argument).collect(Collectors.joining(", "));
        long running = end.records().stream().filter(r -> Checker.RUNNING.equals(r.state())).count();
        return String.format("nemesis run: %d history entries; %s%nfaults injected: [%s]%nsettled: %s; end: %d machines recorded, "
                        + "%d running, %d zones on %d nodes; %d violations", ops.size(), counts, faults,
                settled == null ? "NOT within the timeout" : "in " + settled.toMillis() + " ms", end.records().size(), running,
                end.zones().values().stream().mapToInt(Set::size).sum(), end.zones().size(), violations.size());
    }
}
