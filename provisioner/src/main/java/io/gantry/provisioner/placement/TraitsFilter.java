package io.gantry.provisioner.placement;

import io.gantry.common.RequiredTraits;
import java.util.List;

/**
 * Every trait the request requires must be on the node with one of the values it allows, as Triton matches a
 * package's and an image's traits against a server's: a string must be equal, a boolean is compared as its text
 * ({@code ssd=true}), an array allows any of its values.
 */
public final class TraitsFilter implements Filter {
    @Override
    public String name() {
        return "traits";
    }

    @Override
    public FilterStatus check(NodeInfo node, NodeView view, PlacementRequest request) {
        RequiredTraits required = request.requiredTraits();
        if (required.isEmpty()) {
            return FilterStatus.fit();
        }
        String unmet = required.unmetBy(node.traits());
        if (unmet == null) {
            return FilterStatus.fit();
        }
        String have = node.traits().get(unmet);
        return FilterStatus.reject(() -> have == null
                ? "the node lacks trait " + required.describe(unmet)
                : "the node has trait " + unmet + "=" + have + ", not " + String.join("|", required.allowed().get(unmet)));
    }

    @Override
    public String explain(PlacementRequest request, List<Rejection> rejected, boolean decisive) {
        RequiredTraits required = request.requiredTraits();
        return (decisive ? "no node has " : Filter.nodes(rejected.size()) + (rejected.size() == 1 ? " lacks " : " lack "))
                + (required.allowed().size() == 1 ? "the required trait " : "all the required traits ") + required;
    }
}
