package io.gantry.provisioner.placement;

import static io.gantry.provisioner.placement.Fixtures.machine;
import static io.gantry.provisioner.placement.Fixtures.node;
import static io.gantry.provisioner.placement.Fixtures.request;
import static io.gantry.provisioner.placement.Fixtures.viewOf;
import static org.assertj.core.api.Assertions.assertThat;

import io.gantry.common.limits.OverprovisionRatios;
import java.util.List;
import org.junit.jupiter.api.Test;

class CapacityFilterTest {
    private final CapacityFilter exact = new CapacityFilter(OverprovisionRatios.NONE);
    private final NodeInfo node = node("n1", 8192, 100_000);

    @Test
    void fitsExactlyWhatIsFree() {
        NodeView view = viewOf(machine("t", "a", 4096)); // 4096 MiB memory, 40960 MiB disk booked
        assertThat(exact.check(node, view, request("t", "m", 4096, 59_040)).fits()).isTrue();
    }

    @Test
    void rejectsWhenMemoryIsShortSayingHowMuchIsFree() {
        NodeView view = viewOf(machine("t", "a", 6144));
        FilterStatus status = exact.check(node, view, request("t", "m", 4096, 10));
        assertThat(status.fits()).isFalse();
        assertThat(status.reason()).isEqualTo("only 2048 MiB of memory free, 4096 MiB needed");
    }

    @Test
    void rejectsWhenDiskIsShort() {
        FilterStatus status = exact.check(node, NodeView.empty(), request("t", "m", 1024, 100_001));
        assertThat(status.fits()).isFalse();
        assertThat(status.reason()).isEqualTo("only 100000 MiB of disk free, 100001 MiB needed");
    }

    @Test
    void overprovisionRatiosScaleWhatMayBeBooked() {
        CapacityFilter generous = new CapacityFilter(new OverprovisionRatios(1.5, 1.0));
        NodeView view = viewOf(machine("t", "a", 8192)); // the node's whole memory
        assertThat(exact.check(node, view, request("t", "m", 1024, 10)).fits()).isFalse();
        assertThat(generous.check(node, view, request("t", "m", 4096, 10)).fits()).isTrue();
        assertThat(generous.check(node, view, request("t", "m", 4097, 10)).fits()).isFalse();
        assertThat(generous.freeMemoryMiB(node, view)).isEqualTo(4096);
    }

    @Test
    void explainsTheLargestFreeMemoryAmongTheNodesItRejected() {
        PlacementRequest big = request("t", "m", 65536, 10);
        NodeInfo a = node("a", 16384, 100_000);
        NodeInfo b = node("b", 32768, 100_000);
        NodeView bView = viewOf(machine("t", "x", 20480));
        List<Rejection> rejected = List.of(
                new Rejection(a, NodeView.empty(), exact.check(a, NodeView.empty(), big)),
                new Rejection(b, bView, exact.check(b, bView, big)));
        assertThat(exact.explain(big, rejected, true))
                .isEqualTo("no node has 65536 MiB of memory free; the largest free is 16384 MiB");
        assertThat(exact.explain(big, rejected, false))
                .isEqualTo("2 nodes have less than 65536 MiB of memory free; the largest free is 16384 MiB");
    }

    @Test
    void explainsDiskWhenMemoryWouldFit() {
        PlacementRequest wide = request("t", "m", 1024, 500_000);
        List<Rejection> rejected = List.of(new Rejection(node, NodeView.empty(), exact.check(node, NodeView.empty(), wide)));
        assertThat(exact.explain(wide, rejected, true))
                .isEqualTo("no node has 500000 MiB of disk free; the largest free is 100000 MiB");
    }
}
