package io.gantry.provisioner.placement;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** Every trait the request requires must be on the node with the same value (e.g. {@code ssd=true}). */
public final class TraitsFilter implements Filter {
    @Override
    public String name() {
        return "traits";
    }

    @Override
    public FilterStatus check(NodeInfo node, NodeView view, PlacementRequest request) {
        Map<String, String> required = request.requiredTraits();
        if (required.isEmpty()) {
            return FilterStatus.fit();
        }
        Map<String, String> traits = node.traits();
        for (Map.Entry<String, String> want : required.entrySet()) {
            String have = traits.get(want.getKey());
            if (!want.getValue().equals(have)) {
                return FilterStatus.reject(() -> have == null
                        ? "the node lacks trait " + want.getKey() + "=" + want.getValue()
                        : "the node has trait " + want.getKey() + "=" + have + ", not " + want.getValue());
            }
        }
        return FilterStatus.fit();
    }

    @Override
    public String explain(PlacementRequest request, List<Rejection> rejected, boolean decisive) {
        String traits = new TreeMap<>(request.requiredTraits()).entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", "));
        return (decisive ? "no node has " : Filter.nodes(rejected.size()) + (rejected.size() == 1 ? " lacks " : " lack "))
                + (request.requiredTraits().size() == 1 ? "the required trait " : "all the required traits ") + traits;
    }
}
