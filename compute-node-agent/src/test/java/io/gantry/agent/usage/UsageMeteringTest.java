package io.gantry.agent.usage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gantry.agent.sim.SimulatedZoneBackend;
import io.gantry.common.Package;
import io.gantry.common.Zone;
import io.gantry.common.ZoneSpec;
import io.gantry.common.usage.UsageRecord;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole pipeline (sampler, journal, shipper, meters) over SIMULATED zones and a stand-in metering on 127.0.0.1. */
class UsageMeteringTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path tmp;

    private UsageConfig config() {
        return UsageConfig.defaults(tmp).withSampleInterval(Duration.ofMillis(100))
                .withShipping(2000, Duration.ofMillis(100), Duration.ofMillis(50), Duration.ofMillis(200));
    }

    private static double meter(MeterRegistry registry, String name) {
        var m = registry.find(name).tag("node", "n1").meter();
        assertThat(m).as(name).isNotNull();
        return m.measure().iterator().next().getValue();
    }

    private static List<UsageRecord> of(FakeMetering metering, UUID zone) {
        return metering.stored.values().stream().filter(r -> r.zone().equals(zone))
                .sorted(Comparator.comparingLong(UsageRecord::seq)).toList();
    }

    @Test
    void samplesJournalsShipsAndCountsAndResumesAfterARestart() throws Exception {
        SimulatedZoneBackend sim = new SimulatedZoneBackend(Set.of("img"), Clock.systemUTC());
        MeterRegistry registry = new SimpleMeterRegistry();
        try (FakeMetering metering = FakeMetering.start()) {
            Zone kept;
            Zone deleted;
            try (UsageMetering usage = UsageMetering.start(sim, "n1", config(),
                    MeteringEndpoints.fixed(List.of(metering.base())), registry)) {
                kept = usage.backend().create(new ZoneSpec(UUID.randomUUID(), null, "acme", "img", Package.custom(64, 50, 64, 64)));
                deleted = usage.backend().create(new ZoneSpec(UUID.randomUUID(), null, "acme", "img", Package.custom(64, 100, 64, 64)));
                await().atMost(WAIT).until(() -> of(metering, kept.uuid()).size() >= 5 && of(metering, deleted.uuid()).size() >= 5);

                usage.backend().delete(deleted.uuid());
                await().atMost(WAIT).until(() -> usage.meter().last(deleted.uuid()).isEmpty());
                List<UsageRecord> gone = of(metering, deleted.uuid());
                assertThat(gone.get(gone.size() - 1).last()).isTrue();

                // the sampler keeps ticking meanwhile: the backlog gauge must reach 0, and no gauge may run ahead of the facade
                await().atMost(WAIT).until(() -> meter(registry, "gantry.usage.backlog") == 0);
                assertThat(meter(registry, "gantry.usage.samples")).isPositive().isLessThanOrEqualTo(usage.samplesTaken());
                assertThat(meter(registry, "gantry.usage.records.journaled")).isPositive();
                assertThat(meter(registry, "gantry.usage.journal.bytes")).isPositive();
                assertThat(meter(registry, "gantry.usage.records.shipped")).isPositive();
                assertThat(meter(registry, "gantry.usage.records.acked")).isPositive();
                assertThat(meter(registry, "gantry.usage.ship.failures")).isZero();
                assertThat(meter(registry, "gantry.usage.records.rejected")).isZero();
            }
            assertThat(registry.find("gantry.usage.samples").meter()).as("meters go with the facade").isNull();
            long seqBefore = of(metering, kept.uuid()).size();
            long cpuBefore = of(metering, kept.uuid()).get((int) seqBefore - 1).cpuNanos();

            // the agent restarts over the same journal; the zone kept running
            try (UsageMetering usage = UsageMetering.start(sim, "n1", config(),
                    MeteringEndpoints.fixed(List.of(metering.base())), registry)) {
                await().atMost(WAIT).until(() -> of(metering, kept.uuid()).size() >= seqBefore + 3);
                assertThat(usage.meter().last(deleted.uuid())).as("the deleted zone stays forgotten").isEmpty();
            }
            List<UsageRecord> all = of(metering, kept.uuid());
            for (int i = 0; i < all.size(); i++) {
                assertThat(all.get(i).seq()).as("seq has no gap and no repeat").isEqualTo(i + 1);
                if (i > 0) {
                    assertThat(all.get(i).cpuNanos()).isGreaterThanOrEqualTo(all.get(i - 1).cpuNanos());
                }
            }
            assertThat(all.get(all.size() - 1).cpuNanos()).isGreaterThan(cpuBefore);
            assertThat(metering.ackedRecords).extracting(UsageRecord::key).doesNotHaveDuplicates();
        }
    }

    @Test
    void aRecordMeteringRefusesIsCountedAndSetAsideAndTheZonesUsageShipsOn() throws Exception {
        SimulatedZoneBackend sim = new SimulatedZoneBackend(Set.of("img"), Clock.systemUTC());
        MeterRegistry registry = new SimpleMeterRegistry();
        try (FakeMetering metering = FakeMetering.start();
             UsageMetering usage = UsageMetering.start(sim, "n1", config(), MeteringEndpoints.fixed(List.of(metering.base())), registry)) {
            Zone z = usage.backend().create(new ZoneSpec(UUID.randomUUID(), null, "acme", "img", Package.custom(64, 50, 64, 64)));
            metering.invalid.add(z.uuid() + "/5");
            await().atMost(WAIT).until(() -> of(metering, z.uuid()).size() >= 8);
            assertThat(meter(registry, "gantry.usage.records.rejected")).isEqualTo(1);
            assertThat(of(metering, z.uuid())).extracting(UsageRecord::seq).startsWith(1L, 2L, 3L, 4L, 6L, 7L);
            assertThat(tmp.resolve("usage").resolve(UsageShipper.REJECTED_FILE)).content().contains("\"seq\":5,");
        }
    }
}
