package io.gantry.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The record and then the whole control plane taken away while zones run and burn CPU: PostgreSQL killed and started
 * again during creates and metering's ingest, and every control-plane host (ZooKeeper, PostgreSQL, the cloud APIs,
 * provisioners and metering) killed for minutes, then started. Nothing acknowledged may be lost, the zones run on,
 * and metering's totals end equal to what the nodes' kernels counted.
 */
@ExtendWith(ClusterExtension.class)
class ClusterControlPlaneFaultsTest {
    private static final int CREATES = 18;
    /** How long the whole control plane stays down; {@code -Dgantry.cluster.planeDownSeconds} for a longer run. */
    private static final Duration PLANE_DOWN = Duration.ofSeconds(Long.getLong("gantry.cluster.planeDownSeconds", 120));

    @Test
    void postgresKilledDuringCreatesAndIngestLosesNothingAndUsageStillMatchesTheCgroups(ClusterRun run) throws Exception {
        GantryCluster cluster = run.cluster();
        TenantMachines machines = new TenantMachines(run);
        UUID burner = runningMachine(machines, "pg-burner");
        ZoneUsage usage = new ZoneUsage(cluster, machines.node(burner), burner);
        CompletableFuture<String> burn = CompletableFuture.supplyAsync(() ->
                usage.inZone(Duration.ofMinutes(2), "sh", "-c", "timeout 15 sh -c 'while :; do :; done'; true"));
        Pause.millis(3000); // the burn is being sampled and shipped when the record goes

        CreateLoad load = CreateLoad.start(machines, "pg", CREATES, 6, Duration.ofMinutes(3));
        load.awaitAcked(4);
        long killedAt = System.nanoTime();
        cluster.host("pg").kill();
        Pause.millis(2000);
        cluster.host("pg").restart(Duration.ofMinutes(2));
        long restartedAt = System.nanoTime();
        load.finish();
        long failing = load.failingFor(killedAt);
        long running = machines.await(load.ids(), "running"::equals, Duration.ofMinutes(3));
        long whole = running < 0 ? -1 : (System.nanoTime() - restartedAt) / 1_000_000;
        burn.join();
        long agreed = usage.awaitAgreement(Duration.ofMinutes(2));

        Map<String, Integer> zones = machines.zonesOnNodes();
        long records = cluster.record().scalar("select count(*) from machines where name like ?", load.prefix() + "%");
        int lost = load.lost(zones);
        int doubled = load.doubled(records, zones);
        ReliabilityReport.record(new Finding("PostgreSQL killed (docker kill) and started again during " + CREATES
                + " creates from 6 clients and a zone's CPU burn",
                "each create retried with its `uuid`: one machine per create, running, one zone; the burning zone's metered CPU"
                        + " and network totals within 0.1% of its cgroup and eth0 counters",
                -1, whole, lost, doubled,
                load.failures() + " tries failed (" + load.retried() + " creates retried, failures for "
                        + seconds(failing) + " after the kill), " + records + " records for " + CREATES + " creates; usage agreed "
                        + seconds(agreed) + " after the burn ended (" + usage.lastComparison() + ")"));

        assertThat(load.acked()).as("acknowledged creates").hasSize(CREATES);
        assertThat(running).as("every create running within 3 minutes").isNotNegative();
        assertThat(lost).isZero();
        assertThat(doubled).isZero();
        assertThat(agreed).as("metered usage within 0.1%% of the kernel's counters: %s", usage.lastComparison()).isNotNegative();
        List<UUID> all = new ArrayList<>(load.ids());
        all.add(burner);
        assertThat(machines.deleteAll(all, Duration.ofMinutes(3))).isTrue();
    }

    @Test
    void theWholeControlPlaneDownForMinutesLeavesZonesRunningAndTheirUsageArrivesAfter(ClusterRun run) throws Exception {
        GantryCluster cluster = run.cluster();
        TenantMachines machines = new TenantMachines(run);
        UUID burner = runningMachine(machines, "plane-burner");
        ZoneUsage usage = new ZoneUsage(cluster, machines.node(burner), burner);
        long initBefore = usage.initStart();
        long burnSeconds = Math.max(10, PLANE_DOWN.toSeconds() / 3);
        CompletableFuture<String> burn = CompletableFuture.supplyAsync(() -> usage.inZone(PLANE_DOWN.plusMinutes(2),
                "sh", "-c", "sleep 3; timeout " + burnSeconds + " sh -c 'while :; do :; done'; true"));

        long downAt = System.nanoTime();
        GantryCluster.inParallel(cluster.controlPlane(), ClusterHost::kill);
        int checks = 0;
        int zoneAnswered = 0;
        while (System.nanoTime() - downAt < PLANE_DOWN.toNanos()) {
            Pause.millis(Math.min(20_000, Math.max(0, PLANE_DOWN.toMillis() - (System.nanoTime() - downAt) / 1_000_000)));
            checks++;
            if (usage.inZone(Duration.ofMinutes(1), "echo", "zone-alive").contains("zone-alive")) {
                zoneAnswered++;
            }
        }
        burn.join(); // done during the outage: what the kernel counted stops moving while metering is away

        long backAt = System.nanoTime();
        cluster.startControlPlane(Duration.ofMinutes(3));
        long servingMs = (System.nanoTime() - backAt) / 1_000_000;
        long agreed = usage.awaitAgreement(Duration.ofMinutes(3));
        long whole = agreed < 0 ? -1 : (System.nanoTime() - backAt) / 1_000_000;
        String state = machines.state(burner);
        long initAfter = usage.initStart();

        ReliabilityReport.record(new Finding("whole control plane killed for " + PLANE_DOWN.toSeconds() + " s (ZooKeeper, PostgreSQL,"
                + " cloud APIs, provisioners, metering) while a zone burns CPU",
                "the zone answers throughout and is never restarted; its usage, journalled on the node, reaches the record after"
                        + " the restart and matches its cgroup and eth0 counters within 0.1%",
                -1, whole, initAfter == initBefore ? 0 : 1, 0,
                "zone answered " + zoneAnswered + " of " + checks + " checks during the outage; every role serving "
                        + seconds(servingMs) + " after the restart began, usage whole " + seconds(whole) + " after it ("
                        + usage.lastComparison() + "); machine reads " + state));

        assertThat(zoneAnswered).as("the zone answered every check while the control plane was down").isEqualTo(checks);
        assertThat(initAfter).as("the zone's init is the same process (never restarted)").isEqualTo(initBefore);
        assertThat(agreed).as("usage of the outage arrived and matches the kernel: %s", usage.lastComparison()).isNotNegative();
        assertThat(state).isEqualTo("running");
        assertThat(machines.deleteAll(List.of(burner), Duration.ofMinutes(3))).isTrue();
    }

    private static UUID runningMachine(TenantMachines machines, String name) {
        UUID id = UUID.randomUUID();
        assertThat(Retry.untilOk(() -> machines.create(id, name + "-" + Long.toString(System.nanoTime() % 100_000, 36)),
                Duration.ofMinutes(1))).as("create " + name).isPresent();
        assertThat(machines.await(List.of(id), "running"::equals, Duration.ofMinutes(2))).as(name + " running").isNotNegative();
        return id;
    }

    private static String seconds(long millis) {
        return millis < 0 ? "never" : String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
    }
}
