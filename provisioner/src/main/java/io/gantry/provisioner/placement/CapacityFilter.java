package io.gantry.provisioner.placement;

import io.gantry.common.limits.OverprovisionRatios;
import java.util.List;
import java.util.Objects;

/**
 * The node must have the machine's memory and disk free, where free is {@code floor(capacity * ratio) - booked}
 * with the overprovisioning {@code ratio} of each.
 */
public final class CapacityFilter implements Filter {
    private final OverprovisionRatios ratios;

    public CapacityFilter(OverprovisionRatios ratios) {
        this.ratios = Objects.requireNonNull(ratios, "ratios");
    }

    @Override
    public String name() {
        return "capacity";
    }

    public long freeMemoryMiB(NodeInfo node, NodeView view) {
        return ratios.usableMemoryMiB(node.capacity()) - view.bookedMemoryMiB();
    }

    public long freeDiskMiB(NodeInfo node, NodeView view) {
        return ratios.usableDiskMiB(node.capacity()) - view.bookedDiskMiB();
    }

    @Override
    public FilterStatus check(NodeInfo node, NodeView view, PlacementRequest request) {
        long freeMemory = freeMemoryMiB(node, view);
        long freeDisk = freeDiskMiB(node, view);
        boolean memoryFits = request.memoryMiB() <= freeMemory;
        boolean diskFits = request.diskMiB() <= freeDisk;
        if (memoryFits && diskFits) {
            return FilterStatus.fit();
        }
        long needMemory = request.memoryMiB();
        long needDisk = request.diskMiB();
        if (!memoryFits && !diskFits) {
            return FilterStatus.reject(() -> "only " + Math.max(0, freeMemory) + " MiB of memory and "
                    + Math.max(0, freeDisk) + " MiB of disk free, " + needMemory + " MiB and " + needDisk
                    + " MiB needed");
        }
        return memoryFits
                ? FilterStatus.reject(() -> "only " + Math.max(0, freeDisk) + " MiB of disk free, " + needDisk
                        + " MiB needed")
                : FilterStatus.reject(() -> "only " + Math.max(0, freeMemory) + " MiB of memory free, " + needMemory
                        + " MiB needed");
    }

    @Override
    public String explain(PlacementRequest request, List<Rejection> rejected, boolean decisive) {
        long maxMemory = 0;
        long maxDisk = 0;
        for (Rejection r : rejected) {
            maxMemory = Math.max(maxMemory, freeMemoryMiB(r.node(), r.view()));
            maxDisk = Math.max(maxDisk, freeDiskMiB(r.node(), r.view()));
        }
        boolean one = rejected.size() == 1;
        String who = Filter.whoHas(rejected.size(), decisive, "less than");
        if (maxMemory < request.memoryMiB()) {
            return who + request.memoryMiB() + " MiB of memory free; the largest free is " + maxMemory + " MiB";
        }
        if (maxDisk < request.diskMiB()) {
            return who + request.diskMiB() + " MiB of disk free; the largest free is " + maxDisk + " MiB";
        }
        return (decisive ? "no node has both " : Filter.nodes(rejected.size()) + (one ? " lacks" : " lack") + " either ")
                + request.memoryMiB() + " MiB of memory and " + request.diskMiB() + " MiB of disk free; "
                + "the largest free memory is " + maxMemory + " MiB and the largest free disk is " + maxDisk + " MiB";
    }
}
