package io.gantry.provisioner.placement;

import static io.gantry.provisioner.placement.Fixtures.machine;
import static org.assertj.core.api.Assertions.assertThat;

import io.gantry.common.RequiredTraits;
import io.gantry.common.coord.NodeCapacity;
import io.gantry.common.limits.OverprovisionRatios;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class CpuFilterTest {
    private final NodeInfo twoCpus = new NodeInfo("n1", new NodeCapacity(65536, 65536, 2), Map.of(), true);

    private static PlacementRequest vcpus(int n) {
        return new PlacementRequest(UUID.randomUUID(), "t", "m", Map.of(), 128, 128, n, RequiredTraits.NONE, List.of());
    }

    private static NodeView booked(int... vcpus) {
        return NodeView.of(java.util.Arrays.stream(vcpus).mapToObj(v -> new PlacedMachine(UUID.randomUUID(), "t", "x",
                Map.of(), 128, 128, v)).toList());
    }

    @Test
    void vcpusFitUpToCpusTimesTheRatio() {
        CpuFilter exact = new CpuFilter(OverprovisionRatios.NONE);
        assertThat(exact.check(twoCpus, booked(1), vcpus(1)).fits()).isTrue();
        FilterStatus full = exact.check(twoCpus, booked(1, 1), vcpus(1));
        assertThat(full.fits()).isFalse();
        assertThat(full.reason()).isEqualTo("only 0 vCPUs free (2 CPUs × 1.0), 1 needed");
        CpuFilter triton = new CpuFilter(new OverprovisionRatios(1.0, 1.0)); // the default CPU ratio, 4
        assertThat(triton.check(twoCpus, booked(2, 2, 2), vcpus(2)).fits()).isTrue();
        assertThat(triton.check(twoCpus, booked(2, 2, 2, 2), vcpus(1)).fits()).isFalse();
    }

    @Test
    void aMachineWithoutVcpusAlwaysFits() {
        NodeInfo noCpus = new NodeInfo("n0", new NodeCapacity(1024, 1024, 0), Map.of(), true);
        assertThat(new CpuFilter(OverprovisionRatios.NONE).check(noCpus, booked(), vcpus(0)).fits()).isTrue();
        assertThat(new CpuFilter(OverprovisionRatios.NONE).check(noCpus, booked(), vcpus(1)).fits()).isFalse();
    }

    @Test
    void explainsTheMostVcpusAnyRejectedNodeHasFree() {
        CpuFilter filter = new CpuFilter(OverprovisionRatios.NONE);
        NodeView oneBooked = booked(1);
        PlacementRequest req = vcpus(2);
        List<Rejection> rejected = List.of(new Rejection(twoCpus, oneBooked, filter.check(twoCpus, oneBooked, req)));
        assertThat(filter.explain(req, rejected, true)).isEqualTo("no node has 2 vCPUs free; the most free is 1");
        assertThat(filter.explain(req, rejected, false)).isEqualTo("1 node has less than 2 vCPUs free; the most free is 1");
        assertThat(machine("t", "x", 1).vcpus()).isZero();
    }

    @Test
    void oneMachineMayNotHaveMoreVcpusThanTheNodeHasCpus() {
        CpuFilter generous = new CpuFilter(new OverprovisionRatios(1.0, 1.0, 100.0));
        FilterStatus no = generous.check(twoCpus, booked(), vcpus(3));
        assertThat(no.fits()).isFalse();
        assertThat(no.reason()).isEqualTo("the node has 2 CPUs, fewer than the machine's 3 vCPUs");
        PlacementRequest req = vcpus(3);
        List<Rejection> rejected = List.of(new Rejection(twoCpus, booked(), no));
        assertThat(generous.explain(req, rejected, true)).isEqualTo("no node has 3 CPUs; the most any has is 2");
    }
}
