package io.gantry.bench.placement;

import static org.assertj.core.api.Assertions.assertThat;

import io.gantry.common.limits.OverprovisionRatios;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PlacementBenchTest {
    @Test
    void aTinyRunPlacesEveryRequestOnceAndVerifiesZeroDoubleBooking() throws Exception {
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        PlacementBench.Result result = PlacementBench.run(PlacementBench.Config.small(200, 2_000, 2, 7),
                new PrintStream(progress, true, StandardCharsets.UTF_8));

        assertThat(progress.toString(StandardCharsets.UTF_8)).contains("simulated nodes: 200 in memory");
        assertThat(result.engine().placed() + result.engine().noFit()).isEqualTo(2_000);
        assertThat(result.engine().placed()).isGreaterThan(1_800);
        assertThat(result.verification().nodesChecked()).isEqualTo(200);
        assertThat(result.verification().clean()).as(result.verification().toString()).isTrue();
        assertThat(result.verification().bookedMemoryMiB()).isPositive();
        assertThat(result.naiveVerification().clean()).isTrue();
        assertThat(result.naiveFullScan().requests()).isEqualTo(500);
        assertThat(result.markdown()).contains("| placer |", "ZERO double-booking");
    }

    @Test
    void theDoubleBookingCheckCatchesABookingThatIsNotInTheResults() throws Exception {
        var nodes = PlacementBench.simulatedNodes(3, new java.util.SplittableRandom(1));
        var cluster = new io.gantry.provisioner.placement.ClusterState();
        nodes.forEach(cluster::upsertNode);
        var requests = PlacementBench.workload(1, new java.util.SplittableRandom(2));
        cluster.book(nodes.get(0).name(), requests.get(0).toPlaced());
        var decisions = new io.gantry.provisioner.placement.PlacementDecision[] {
            new io.gantry.provisioner.placement.PlacementDecision.Placed(nodes.get(1).name())};
        PlacementBench.Verification v = PlacementBench.verify(cluster,
                OverprovisionRatios.NONE, requests, decisions, 1);
        assertThat(v.clean()).isFalse();
        assertThat(v.ledgerDiffers()).isEqualTo(2);
        assertThat(v.wrongNode()).isEqualTo(1);
    }
}
