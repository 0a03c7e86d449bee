package io.gantry.provisioner.placement;

import io.gantry.provisioner.placement.ClusterState.Reservation;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.random.RandomGenerator;

/**
 * Chooses a node for a machine and books it there, after Nomad's scheduler and the Kubernetes scheduling
 * framework: a randomized node source, hard filters (cheapest first) until a bounded number of feasible nodes is
 * found, weighted scorers, the best score wins, and the booking is re-checked and made in one step under the
 * chosen node's lock. Thread-safe; concurrent placements never book the same capacity twice, and a node that changed
 * between its scoring and its booking (another placement booked there meanwhile) is scored again, so concurrent
 * placements spread as sequential ones would.
 *
 * <p>In the common case (no hard {@code ==} affinity) a placement looks at nodes in random order only until it has
 * {@link PlacementPolicy#limitFor(int) the candidate limit} of feasible ones (about log2(N)), so its cost does not
 * grow with the cluster. Only a placement that fits nowhere visits every node, to say why.
 */
public final class PlacementEngine {
    /** Rounds of search-and-reserve before giving up when other placements keep taking the chosen nodes. */
    private static final int MAX_ROUNDS = 8;

    private record Weighted(Scorer scorer, double weight) {
    }

    private static final class Candidate {
        final NodeSlot slot;
        final long version; // the node's, read before it was filtered and scored
        double score;
        double[] scores; // each scorer's, before weighting

        Candidate(NodeSlot slot, long version) {
            this.slot = slot;
            this.version = version;
        }
    }

    private static final Comparator<Candidate> BEST_FIRST = (a, b) -> Double.compare(b.score, a.score);

    private final ClusterState cluster;
    private final PlacementPolicy policy;
    private final RandomGenerator random; // guarded by itself; seeds each placement's own generator
    private final List<Filter> filters;
    private final List<Weighted> scorers;
    private final List<String> scorerNames;

    public PlacementEngine(ClusterState cluster, PlacementPolicy policy, RandomGenerator random) {
        this.cluster = Objects.requireNonNull(cluster, "cluster");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.random = Objects.requireNonNull(random, "random");

        // The whole pipeline, in the order it runs.
        // 1. Node source: NodeSource (random order; the hosts of a hard == rule; soft ==~ hosts first).
        // 2. Hard filters, cheapest first; the first to say no is the one a NoFit counts.
        this.filters = List.of(
                new ExcludedNodeFilter(),               // a set lookup, empty but for an evacuation
                new AliveFilter(),                      // a flag
                new InServiceFilter(),                  // a field: the operator's maintenance or retirement
                new CapacityFilter(policy.ratios()),    // two subtractions
                new CpuFilter(policy.ratios()),         // one subtraction
                new TraitsFilter(),                     // a few map lookups
                new AffinityFilter());                  // walks the tenant's machines on the node
        // 3. Scorers, each in [-1, 1], weighted and summed. Soft affinity outweighs the others put together;
        //    the tiebreak only decides between otherwise equal nodes.
        this.scorers = List.of(
                new Weighted(new SoftAffinityScorer(), 10),
                new Weighted(new PackSpreadScorer(policy.strategy(), policy.ratios()), 2),
                new Weighted(new TenantSpreadScorer(), 1),
                new Weighted(new RandomTiebreakScorer(), 1e-9));
        this.scorerNames = scorers.stream().map(w -> w.scorer().name()).toList();
        // 4. Highest total wins; 5. reserved atomically under the node's lock, or the next best is tried.
    }

    public PlacementPolicy policy() {
        return policy;
    }

    /** The filters in the order they run. */
    public List<Filter> filters() {
        return filters;
    }

    /**
     * Books the machine on one node and says which, or says why no node can take it. A machine that is already
     * booked is not booked again: its current node is returned. Thread-safe.
     */
    public PlacementDecision place(PlacementRequest request) {
        Objects.requireNonNull(request, "request");
        RandomGenerator rnd = nextPlacementRandom();
        PlacedMachine machine = request.toPlaced();
        for (int round = 0; round < MAX_ROUNDS; round++) {
            Optional<String> already = cluster.nodeOf(request.machine());
            if (already.isPresent()) {
                return new PlacementDecision.Placed(already.get());
            }
            NodeSlot[] all = cluster.slots();
            NodeSource source = NodeSource.of(cluster, all, request, rnd);
            int[] evaluated = new int[1];
            List<Candidate> candidates = feasible(source, request, policy.limitFor(all.length), evaluated);
            if (candidates.isEmpty()) {
                PlacementDecision.NoFit why = diagnose(all, request);
                if (why != null) {
                    return why;
                }
                continue; // a node fits after all: bookings changed while we looked
            }
            score(candidates, request, rnd);
            candidates.sort(BEST_FIRST);
            // the last round books a node that changed since it was scored, rather than give up while it still fits
            boolean lastRound = round == MAX_ROUNDS - 1;
            for (Candidate c : candidates) {
                Reservation r = cluster.reserve(c.slot, machine, (info, view) -> firstFailing(info, view, request) < 0,
                        lastRound ? ClusterState.ANY_VERSION : c.version);
                if (r == Reservation.BOOKED) {
                    return placed(c, evaluated[0], candidates.size());
                }
                if (r == Reservation.ALREADY_BOOKED || r == Reservation.CHANGED) {
                    break; // booked by a concurrent call (the next round returns where), or scored on stale bookings
                }
                // NO_LONGER_FITS: another placement took it first; try the next best
            }
        }
        Optional<String> already = cluster.nodeOf(request.machine());
        if (already.isPresent()) {
            return new PlacementDecision.Placed(already.get());
        }
        return new PlacementDecision.NoFit("other placements kept taking the nodes this machine fits on; try again",
                zeroCounts());
    }

    /**
     * Books the machine on the named node if every filter passes there (e.g. an operator naming the server), or
     * says why not. A machine that is already booked is not booked again: its current node is returned.
     */
    public PlacementDecision placeOn(String node, PlacementRequest request) {
        Objects.requireNonNull(request, "request");
        Optional<String> already = cluster.nodeOf(request.machine());
        if (already.isPresent()) {
            return new PlacementDecision.Placed(already.get());
        }
        Optional<NodeInfo> info = cluster.node(node);
        if (info.isEmpty()) {
            return new PlacementDecision.NoFit("there is no node named " + node, zeroCounts());
        }
        PlacedMachine machine = request.toPlaced();
        if (cluster.bookIfFits(node, machine, (i, v) -> firstFailing(i, v, request) < 0)) {
            return new PlacementDecision.Placed(node);
        }
        already = cluster.nodeOf(request.machine());
        if (already.isPresent()) {
            return new PlacementDecision.Placed(already.get());
        }
        NodeView view = cluster.view(node);
        NodeInfo now = cluster.node(node).orElse(info.get());
        int failing = firstFailing(now, view, request);
        Map<String, Integer> counts = zeroCounts();
        if (failing < 0) {
            return new PlacementDecision.NoFit("node " + node + " changed while placing; try again", counts);
        }
        Filter f = filters.get(failing);
        counts.put(f.name(), 1);
        return new PlacementDecision.NoFit("node " + node + " cannot take the machine: "
                + f.check(now, view, request).reason(), counts);
    }

    /** The first filter's rejection of the node, or empty if every filter passes. */
    public Optional<FilterStatus> firstRejection(NodeInfo node, NodeView view, PlacementRequest request) {
        int failing = firstFailing(node, view, request);
        return failing < 0 ? Optional.empty() : Optional.of(filters.get(failing).check(node, view, request));
    }

    /** The weighted sum of the scorers for a node (higher is better), as placement ranks feasible nodes. */
    public double score(NodeInfo node, NodeView view, PlacementRequest request, RandomGenerator random) {
        double total = 0;
        for (Weighted w : scorers) {
            total += w.weight() * w.scorer().score(node, view, request, random);
        }
        return total;
    }

    /**
     * Grows or shrinks a booked machine in place if its node has room under the overprovision ratios (shrinking
     * always does); false if it does not fit. An unknown machine is ResourceNotFound.
     */
    public boolean resize(UUID machine, long memoryMiB, long diskMiB, int vcpus) {
        CapacityFilter capacity = new CapacityFilter(policy.ratios());
        CpuFilter cpu = new CpuFilter(policy.ratios());
        PlacementRequest nothing = PlacementRequest.of(machine, "", "", 0, 0);
        // the checks run against the bookings with the new size already in place: they must not be over
        return cluster.resizeIf(machine, memoryMiB, diskMiB, vcpus, (info, view) -> capacity.check(info, view, nothing).fits()
                && (vcpus == 0 || vcpus <= info.capacity().cpus() && cpu.freeVcpus(info, view) >= 0));
    }

    /* ---- the stages ---- */

    /** Walks the source until {@code limit} nodes pass every filter (or the source ends); counts the nodes it saw. */
    private List<Candidate> feasible(NodeSource source, PlacementRequest request, int limit, int[] evaluated) {
        List<Candidate> out = new ArrayList<>(limit);
        while (out.size() < limit) {
            NodeSlot slot = source.next();
            if (slot == null) {
                break;
            }
            evaluated[0]++;
            long version = slot.version();
            if (!slot.removed() && firstFailing(slot.info(), slot, request) < 0) {
                out.add(new Candidate(slot, version));
            }
        }
        return out;
    }

    /** The index of the first filter that rejects the node, or -1 if all pass. */
    private int firstFailing(NodeInfo info, NodeView view, PlacementRequest request) {
        for (int i = 0, n = filters.size(); i < n; i++) {
            if (!filters.get(i).check(info, view, request).fits()) {
                return i;
            }
        }
        return -1;
    }

    private void score(List<Candidate> candidates, PlacementRequest request, RandomGenerator rnd) {
        for (Candidate c : candidates) {
            c.scores = new double[scorers.size()];
            double total = 0;
            for (int i = 0; i < c.scores.length; i++) {
                Weighted w = scorers.get(i);
                c.scores[i] = w.scorer().score(c.slot.info(), c.slot, request, rnd);
                total += w.weight() * c.scores[i];
            }
            c.score = total;
        }
    }

    private PlacementDecision.Placed placed(Candidate chosen, int evaluated, int feasible) {
        return new PlacementDecision.Placed(chosen.slot.name(), new ScoreSheet(scorerNames, chosen.scores), chosen.score, evaluated,
                feasible);
    }

    /**
     * Every node against every filter, to say why nothing fits: null if some node fits after all. Only a failed
     * placement pays for this walk over the whole cluster.
     */
    private PlacementDecision.NoFit diagnose(NodeSlot[] all, PlacementRequest request) {
        if (all.length == 0) {
            return new PlacementDecision.NoFit("there are no compute nodes to place on", zeroCounts());
        }
        List<List<Rejection>> rejected = new ArrayList<>();
        for (int i = 0; i < filters.size(); i++) {
            rejected.add(new ArrayList<>());
        }
        for (NodeSlot slot : all) {
            if (slot.removed()) {
                continue;
            }
            NodeInfo info = slot.info();
            boolean fits = true;
            for (int i = 0, n = filters.size(); i < n && fits; i++) {
                FilterStatus status = filters.get(i).check(info, slot, request);
                if (!status.fits()) {
                    rejected.get(i).add(new Rejection(info, slot, status));
                    fits = false;
                }
            }
            if (fits) {
                return null;
            }
        }
        Map<String, Integer> counts = new LinkedHashMap<>();
        int last = -1;
        for (int i = 0; i < filters.size(); i++) {
            counts.put(filters.get(i).name(), rejected.get(i).size());
            if (!rejected.get(i).isEmpty()) {
                last = i;
            }
        }
        if (last < 0) {
            return new PlacementDecision.NoFit("there are no compute nodes to place on", counts);
        }
        // The last filter any node reached is why nothing fits; the earlier ones are said in passing.
        String reason = filters.get(last).explain(request, rejected.get(last), true);
        List<String> also = new ArrayList<>();
        for (int i = 0; i < last; i++) {
            if (!rejected.get(i).isEmpty()) {
                also.add(filters.get(i).explain(request, rejected.get(i), false));
            }
        }
        if (!also.isEmpty()) {
            reason += " (also: " + String.join("; ", also) + ")";
        }
        return new PlacementDecision.NoFit(reason, counts);
    }

    private Map<String, Integer> zeroCounts() {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (Filter f : filters) {
            counts.put(f.name(), 0);
        }
        return counts;
    }

    /** Each placement draws from its own generator, seeded from the shared one (which need not be thread-safe). */
    private RandomGenerator nextPlacementRandom() {
        long seed;
        synchronized (random) {
            seed = random.nextLong();
        }
        return new SplittableRandom(seed);
    }
}
