package io.gantry.provisioner.placement;

import io.gantry.common.affinity.AffinityRule;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * The nodes one placement looks at, in the order it looks at them.
 *
 * <ul>
 *   <li>With a hard {@code ==} affinity rule only nodes already hosting a match can pass, so the source is those
 *       nodes (from the tenant's bookings, the smallest such set over the request's hard {@code ==} rules), in
 *       random order: exact, and no walk over the whole cluster.</li>
 *   <li>Otherwise every node in a {@link RandomOrder}, preceded (in random order) by the nodes a soft {@code ==~}
 *       rule would like, so a bounded look still sees them.</li>
 * </ul>
 */
final class NodeSource {
    private final NodeSlot[] all;
    private final List<NodeSlot> first;
    private final RandomOrder rest; // null: only 'first'
    private final Set<NodeSlot> seen; // null unless 'first' must be skipped in 'rest'
    private int firstAt;

    private NodeSource(NodeSlot[] all, List<NodeSlot> first, RandomOrder rest) {
        this.all = all;
        this.first = first;
        this.rest = rest;
        this.seen = rest != null && !first.isEmpty() ? new HashSet<>(first) : null;
    }

    static NodeSource of(ClusterState cluster, NodeSlot[] all, PlacementRequest request, RandomGenerator random) {
        if (request.hasHardAffinity()) {
            Set<NodeSlot> narrowest = null;
            for (AffinityRule rule : request.affinity()) {
                if (!rule.soft() && rule.equal()) {
                    Set<NodeSlot> hosts = cluster.nodesHosting(request.tenant(), rule);
                    if (narrowest == null || hosts.size() < narrowest.size()) {
                        narrowest = hosts;
                    }
                }
            }
            if (narrowest != null) {
                return new NodeSource(all, shuffled(narrowest, random), null);
            }
        }
        List<NodeSlot> preferred = List.of();
        if (request.hasSoftAffinity()) {
            Set<NodeSlot> liked = new LinkedHashSet<>();
            for (AffinityRule rule : request.affinity()) {
                if (rule.soft() && rule.equal()) {
                    liked.addAll(cluster.nodesHosting(request.tenant(), rule));
                }
            }
            preferred = shuffled(liked, random);
        }
        return new NodeSource(all, preferred, new RandomOrder(all.length, random));
    }

    /** The next node to look at, or null when there are no more. */
    NodeSlot next() {
        if (firstAt < first.size()) {
            return first.get(firstAt++);
        }
        while (rest != null && rest.hasNext()) {
            NodeSlot slot = all[rest.next()];
            if (seen == null || !seen.contains(slot)) {
                return slot;
            }
        }
        return null;
    }

    private static List<NodeSlot> shuffled(Set<NodeSlot> nodes, RandomGenerator random) {
        List<NodeSlot> list = new ArrayList<>(nodes);
        for (int i = list.size() - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            NodeSlot t = list.get(i);
            list.set(i, list.get(j));
            list.set(j, t);
        }
        return list;
    }
}
