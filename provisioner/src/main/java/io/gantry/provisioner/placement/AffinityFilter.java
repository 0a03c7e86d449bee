package io.gantry.provisioner.placement;

import io.gantry.common.affinity.AffinityRule;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The request's hard affinity rules, against the same tenant's machines on the node: {@code KEY==VALUE} needs a
 * matching machine on the node, {@code KEY!=VALUE} needs there to be none. Soft rules are the
 * {@link SoftAffinityScorer}'s. Last of the filters: it walks the tenant's machines on the node.
 */
public final class AffinityFilter implements Filter {
    @Override
    public String name() {
        return "affinity";
    }

    @Override
    public FilterStatus check(NodeInfo node, NodeView view, PlacementRequest request) {
        AffinityRule broken = firstBroken(view, request);
        if (broken == null) {
            return FilterStatus.fit();
        }
        return FilterStatus.reject(() -> broken.equal()
                ? "no machine on the node matches affinity rule " + broken
                : "a machine on the node matches " + broken.key() + " " + broken.value() + ", against affinity rule "
                        + broken);
    }

    /** The first hard rule the node breaks, or null. */
    static AffinityRule firstBroken(NodeView view, PlacementRequest request) {
        List<AffinityRule> rules = request.affinity();
        if (rules.isEmpty()) {
            return null;
        }
        List<PlacedMachine> mine = view.machinesOf(request.tenant());
        for (int i = 0, n = rules.size(); i < n; i++) {
            AffinityRule rule = rules.get(i);
            if (!rule.soft() && rule.matchesAny(mine) != rule.equal()) {
                return rule;
            }
        }
        return null;
    }

    @Override
    public String explain(PlacementRequest request, List<Rejection> rejected, boolean decisive) {
        Set<AffinityRule> rules = new LinkedHashSet<>();
        for (Rejection r : rejected) {
            AffinityRule broken = firstBroken(r.view(), request);
            if (broken != null) {
                rules.add(broken);
            }
        }
        if (rules.isEmpty()) { // the bookings changed since: name every hard rule
            request.affinity().stream().filter(r -> !r.soft()).forEach(rules::add);
        }
        String which = (rules.size() == 1 ? "affinity rule " : "affinity rules ")
                + rules.stream().map(AffinityRule::toString).collect(Collectors.joining(" and "));
        return decisive ? "no node satisfies " + which
                : Filter.nodes(rejected.size()) + (rejected.size() == 1 ? " does" : " do") + " not satisfy " + which;
    }
}
