package io.gantry.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.gantry.testkit.JdbcAccess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A cloud API instance killed while six clients create machines through the load balancer: a request cut off
 * mid-flight fails, the client sends it again with the same machine {@code uuid}, and each create yields one machine,
 * whether or not the killed instance had committed it.
 */
@ExtendWith(ClusterExtension.class)
class ClusterApiFailoverTest {
    private static final int CREATES = 36;

    @Test
    void aCreateCutOffByAKilledApiIsRetriedWithItsUuidAndYieldsOneMachine(ClusterRun run) throws Exception {
        JdbcAccess record = run.cluster().record();
        TenantMachines machines = new TenantMachines(run);
        String prefix = "af" + Long.toString(System.nanoTime() % 100_000, 36) + "-";
        Set<UUID> acked = ConcurrentHashMap.newKeySet();
        Set<UUID> retried = ConcurrentHashMap.newKeySet();
        Map<UUID, UUID> answered = new ConcurrentHashMap<>();
        AtomicInteger failures = new AtomicInteger();
        AtomicLong killedAt = new AtomicLong();
        AtomicLong lastFailure = new AtomicLong();
        List<UUID> ids = new ArrayList<>();
        ExecutorService clients = Executors.newFixedThreadPool(6);
        List<Future<?>> sent = new ArrayList<>();
        for (int i = 0; i < CREATES; i++) {
            UUID id = UUID.randomUUID();
            ids.add(id);
            String name = prefix + i;
            sent.add(clients.submit(() -> Retry.untilOk(() -> machines.create(id, name), Duration.ofMinutes(2), failure -> {
                failures.incrementAndGet();
                retried.add(id);
                lastFailure.set(System.nanoTime());
            }).ifPresent(r -> {
                acked.add(id);
                answered.put(id, UUID.fromString(r.json().get("id").toString()));
            })));
        }
        while (acked.size() < 8) {
            Pause.millis(5);
        }
        killedAt.set(System.nanoTime());
        run.cluster().host("api1").kill();
        for (Future<?> f : sent) {
            f.get();
        }
        clients.shutdown();
        long window = lastFailure.get() > killedAt.get() ? (lastFailure.get() - killedAt.get()) / 1_000_000 : 0;

        long running = machines.await(ids, "running"::equals, Duration.ofMinutes(3));
        Map<String, Integer> zones = machines.zonesOnNodes();
        long records = record.scalar("select count(*) from machines where name like ?", prefix + "%");
        int doubled = (int) Math.max(0, records - CREATES) + TenantMachines.doubled(zones).size()
                + (int) answered.entrySet().stream().filter(e -> !e.getKey().equals(e.getValue())).count();
        int lost = (int) ids.stream().filter(id -> !acked.contains(id) || zones.getOrDefault(id.toString(), 0) != 1).count();
        ReliabilityReport.record(new Finding("cloud API instance api1 killed during " + CREATES + " creates from 6 clients",
                "each create retried with its `uuid` until answered: one machine per create, running, one zone",
                -1, window, lost, doubled,
                failures.get() + " tries failed (" + retried.size() + " creates retried; the clients saw failures for "
                        + String.format(java.util.Locale.ROOT, "%.1f s", window / 1000.0) + " after the kill, until the balancer"
                        + " dropped api1), " + records + " records for " + CREATES + " creates, all running "
                        + String.format(java.util.Locale.ROOT, "%.1f s", running / 1000.0) + " after the last answer"));

        run.cluster().host("api1").restart(Duration.ofMinutes(2));
        assertThat(acked).hasSize(CREATES);
        assertThat(doubled).as("creates that made more than one machine").isZero();
        assertThat(lost).isZero();
        assertThat(machines.deleteAll(ids, Duration.ofMinutes(3))).isTrue();
    }
}
