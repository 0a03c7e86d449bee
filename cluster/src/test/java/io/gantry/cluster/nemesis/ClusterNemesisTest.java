package io.gantry.cluster.nemesis;

import static org.assertj.core.api.Assertions.assertThat;

import io.gantry.cluster.ClusterExtension;
import io.gantry.cluster.ClusterRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The nemesis run on the container cluster ({@link ClusterPlane}): four tenants create, resize and delete machines on
 * real runc zones while the nemesis, every 10-30 s, kills a cloud API, the leading provisioner, PostgreSQL, a ZooKeeper
 * member, a compute node or the whole control plane, or pauses a node or cuts it off; then everything is healed, the
 * cluster settles, and the checker judges the history, the nodes' zones and each zone's metered CPU time against its
 * cgroup's counter. Two minutes by default; {@code -Dgantry.nemesis.seconds=600} is the 10-minute run and
 * {@code -Dgantry.nemesis.seed=N} replays a schedule. History and report in target/nemesis/cluster-*.
 */
@Tag("nemesis")
@ExtendWith(ClusterExtension.class)
class ClusterNemesisTest {
    private static final int CLIENTS = 4;

    @Test
    void underRandomFaultsOnTheClusterEveryAcknowledgedOperationHoldsAndUsageMatchesTheCgroups(ClusterRun run) throws Exception {
        long seed = Long.getLong("gantry.nemesis.seed", System.currentTimeMillis());
        Duration duration = Duration.ofSeconds(Long.getLong("gantry.nemesis.seconds", 120));
        Path out = Files.createDirectories(Path.of("target", "nemesis"));
        Path historyFile = out.resolve("cluster-history-" + seed + ".jsonl");
        System.out.printf("cluster nemesis run: seed %d, %d s, history in %s%n", seed, duration.toSeconds(), historyFile);
        ClusterPlane plane = new ClusterPlane(run, seed);
        try (History history = History.toFile(historyFile)) {
            List<TenantClient> clients = new ArrayList<>();
            String suffix = Long.toString(seed % 100_000, 36);
            for (int i = 0; i < CLIENTS; i++) {
                clients.add(new TenantClient("c" + i, plane.tenant("nem" + i + "x" + suffix), history, plane.image()));
            }
            NemesisRun.Result result = NemesisRun.standard(history, clients, ClusterPlane.PACKAGES, Duration.ofSeconds(1), plane.faults(), seed, plane::zones, plane::usage)
                    .run(duration, Duration.ofMinutes(6)).keep(out, "cluster-", seed);
            plane.record(result, duration, seed);
            assertThat(result.faults()).as("faults injected").isPositive();
            assertThat(result.settledIn()).as("the cluster settled after the heal\n" + result.report()).isNotNull();
            assertThat(result.end().usage()).as("zones whose usage was compared").isNotEmpty();
            assertThat(result.violations()).as(result.report()).isEmpty();
        } finally {
            plane.deleteEverything(Duration.ofMinutes(3));
        }
    }
}
