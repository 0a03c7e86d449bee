package io.gantry.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.gantry.testkit.JdbcAccess;
import java.time.Duration;
import java.util.Map;
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
        CreateLoad load = CreateLoad.start(machines, "af", CREATES, 6, Duration.ofMinutes(2));
        load.awaitAcked(8);
        long killedAt = System.nanoTime();
        run.cluster().host("api1").kill();
        load.finish();
        long window = load.failingFor(killedAt);

        long running = machines.await(load.ids(), "running"::equals, Duration.ofMinutes(3));
        Map<String, Integer> zones = machines.zonesOnNodes();
        long records = record.scalar("select count(*) from machines where name like ?", load.prefix() + "%");
        int doubled = load.doubled(records, zones);
        int lost = load.lost(zones);
        ReliabilityReport.record(new Finding("cloud API instance api1 killed during " + CREATES + " creates from 6 clients",
                "each create retried with its `uuid` until answered: one machine per create, running, one zone",
                -1, window, lost, doubled,
                load.failures() + " tries failed (" + load.retried() + " creates retried; the clients saw failures for "
                        + String.format(java.util.Locale.ROOT, "%.1f s", window / 1000.0) + " after the kill, until the balancer"
                        + " dropped api1), " + records + " records for " + CREATES + " creates, all running "
                        + String.format(java.util.Locale.ROOT, "%.1f s", running / 1000.0) + " after the last answer"));

        run.cluster().host("api1").restart(Duration.ofMinutes(2));
        assertThat(load.acked()).hasSize(CREATES);
        assertThat(doubled).as("creates that made more than one machine").isZero();
        assertThat(lost).isZero();
        assertThat(machines.deleteAll(load.ids(), Duration.ofMinutes(3))).isTrue();
    }
}
