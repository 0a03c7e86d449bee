package io.gantry.cluster.nemesis;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * What the cluster holds once the nemesis healed everything and the cluster converged: the checker's input besides the
 * history.
 *
 * @param records  the machines as the cloud API (or the record) answers them: every machine listed, and every machine
 *                 of the history asked for by id; a machine answered twice (e.g. listed twice) appears twice
 * @param zones    each node's zones as the node itself knows them (its backend, runc, the container), by node name
 * @param usage    metered totals per machine beside the ground truth read on the nodes (the zones' cgroup counters);
 *                 empty where the run has no real zones to read
 */
public record FinalState(List<RecordedMachine> records, Map<String, Set<UUID>> zones, List<MeteredUsage> usage) {

    /** One machine as the API answered it at the end: {@code node} may be null (never placed), {@code pkg} its package. */
    public record RecordedMachine(UUID id, String state, String node, String pkg) {
    }

    /**
     * One usage counter of one machine: what metering totalled, what the node's counter says after that was read
     * ({@code groundTruth}), and what it said a few seconds before ({@code earlier}: longer ago than a sample takes to
     * reach metering). The counter only grows and metering trails it by its sampling and shipping, so a true total lies
     * between the two; an idle zone's counter still creeps, which a single reading would call a mismatch.
     */
    public record MeteredUsage(UUID machine, String counter, double metered, double groundTruth, double earlier) {
        public MeteredUsage(UUID machine, String counter, double metered, double groundTruth) {
            this(machine, counter, metered, groundTruth, groundTruth);
        }

        /** Whether the metered total lies between the two readings, with {@link Checker#USAGE_TOLERANCE} to spare on each side. */
        public boolean agrees() {
            return metered >= Math.min(earlier, groundTruth) * (1 - Checker.USAGE_TOLERANCE) - 1e-9
                    && metered <= groundTruth * (1 + Checker.USAGE_TOLERANCE) + 1e-9;
        }
    }

    public FinalState {
        records = List.copyOf(records);
        zones = Map.copyOf(zones);
        usage = List.copyOf(usage);
    }
}
