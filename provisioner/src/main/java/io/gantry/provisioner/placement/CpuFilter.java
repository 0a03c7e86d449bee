package io.gantry.provisioner.placement;

import io.gantry.common.limits.OverprovisionRatios;
import java.util.List;
import java.util.Objects;

/**
 * The node must have the machine's vCPUs free, where free is {@code floor(cpus * cpu ratio) - booked vCPUs}: the
 * CPUs the node advertises, overprovisioned by the CPU ratio (Triton books four vCPUs per CPU by default). One
 * machine may not have more vCPUs than the node has CPUs (the node refuses such a zone itself). A machine asking for no
 * vCPUs always passes.
 */
public final class CpuFilter implements Filter {
    private final OverprovisionRatios ratios;

    public CpuFilter(OverprovisionRatios ratios) {
        this.ratios = Objects.requireNonNull(ratios, "ratios");
    }

    @Override
    public String name() {
        return "cpu";
    }

    public long freeVcpus(NodeInfo node, NodeView view) {
        return ratios.usableVcpus(node.capacity()) - view.bookedVcpus();
    }

    @Override
    public FilterStatus check(NodeInfo node, NodeView view, PlacementRequest request) {
        if (request.vcpus() == 0) {
            return FilterStatus.fit();
        }
        int cpus = node.capacity().cpus();
        if (request.vcpus() > cpus) {
            return FilterStatus.reject(() -> "the node has " + cpus + " CPUs, fewer than the machine's " + request.vcpus()
                    + " vCPUs");
        }
        long free = freeVcpus(node, view);
        if (request.vcpus() <= free) {
            return FilterStatus.fit();
        }
        return FilterStatus.reject(() -> "only " + Math.max(0, free) + " vCPUs free (" + node.capacity().cpus()
                + " CPUs × " + ratios.cpu() + "), " + request.vcpus() + " needed");
    }

    @Override
    public String explain(PlacementRequest request, List<Rejection> rejected, boolean decisive) {
        long max = 0;
        int mostCpus = 0;
        for (Rejection r : rejected) {
            max = Math.max(max, freeVcpus(r.node(), r.view()));
            mostCpus = Math.max(mostCpus, r.node().capacity().cpus());
        }
        if (mostCpus < request.vcpus()) {
            return Filter.whoHas(rejected.size(), decisive, "fewer than") + request.vcpus() + " CPUs; the most any has is "
                    + mostCpus;
        }
        return Filter.whoHas(rejected.size(), decisive, "less than") + request.vcpus() + " vCPUs free; the most free is " + max;
    }
}
