package io.gantry.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * One ZooKeeper member killed, then the ensemble's leader, while the tenant creates machines: no request fails
 * beyond a retry, and every create runs as one zone. Figures: how long the ensemble had no leader, how many tries
 * failed, how long until the creates made meanwhile ran.
 */
@ExtendWith(ClusterExtension.class)
class ClusterZooKeeperFaultsTest {
    @Test
    void aFollowerThenTheLeaderKilledCostsNoRequestMoreThanARetry(ClusterRun run) {
        List<ClusterHost> members = run.cluster().zookeepers();
        ClusterHost follower = members.stream().filter(m -> mode(m).equals("follower")).findFirst().orElseThrow();
        survive(run, follower, "a follower");
        ClusterHost leader = members.stream().filter(m -> mode(m).equals("leader")).findFirst().orElseThrow();
        survive(run, leader, "the leader");
    }

    private static void survive(ClusterRun run, ClusterHost member, String which) {
        TenantMachines machines = new TenantMachines(run);
        List<UUID> ids = new ArrayList<>();
        AtomicInteger failures = new AtomicInteger();
        int worst = 0;
        member.kill();
        long t0 = System.nanoTime();
        long quorum = -1;
        for (int i = 0; i < 6; i++) {
            UUID id = UUID.randomUUID();
            ids.add(id);
            String name = "zk" + i + "-" + id.toString().substring(0, 4);
            AtomicInteger tries = new AtomicInteger();
            Optional<?> ok = Retry.untilOk(() -> machines.create(id, name), Duration.ofMinutes(1), failure -> tries.incrementAndGet());
            assertThat(ok).as("create %s answered", id).isPresent();
            failures.addAndGet(tries.get());
            worst = Math.max(worst, tries.get());
            if (quorum < 0 && run.cluster().zookeepers().stream().filter(m -> m != member).anyMatch(m -> mode(m).equals("leader"))) {
                quorum = (System.nanoTime() - t0) / 1_000_000;
            }
        }
        long running = machines.await(ids, "running"::equals, Duration.ofMinutes(2));
        long recovered = running < 0 ? -1 : (System.nanoTime() - t0) / 1_000_000;
        member.restart(Duration.ofMinutes(1));
        Map<String, Integer> zones = machines.zonesOnNodes();
        int lost = (int) ids.stream().filter(id -> zones.getOrDefault(id.toString(), 0) != 1).count();
        ReliabilityReport.record(new Finding("ZooKeeper: " + which + " killed, 6 creates meanwhile",
                "each create answered within a retry; every machine running, one zone",
                quorum, recovered, lost, TenantMachines.doubled(zones).size(),
                member.name() + " killed; " + failures.get() + " tries failed (at most " + worst + " for one create); the remaining members had a leader " + (quorum < 0 ? "(not seen)" : "within "
                        + String.format(java.util.Locale.ROOT, "%.1f s", quorum / 1000.0)) + " of the kill"));
        assertThat(worst).as("failed tries of one create (one retry allowed)").isLessThanOrEqualTo(1);
        assertThat(lost).isZero();
        assertThat(machines.deleteAll(ids, Duration.ofMinutes(2))).isTrue();
    }

    /** The member's {@code srvr} mode: leader, follower, or {@code none} (not serving, or down). */
    static String mode(ClusterHost member) {
        String out = member.exec(Duration.ofSeconds(5), "bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/2181; echo srvr >&3; cat <&3").output();
        return out.lines().filter(l -> l.startsWith("Mode: ")).map(l -> l.substring(6).strip()).findFirst().orElse("none");
    }
}
