package io.gantry.agent.usage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gantry.agent.ForwardingZoneBackend;
import io.gantry.agent.ZoneBackend;
import io.gantry.agent.ZoneRun;
import io.gantry.agent.sim.SimulatedZoneBackend;
import io.gantry.common.GantryException;
import io.gantry.common.Package;
import io.gantry.common.ResourceUpdate;
import io.gantry.common.Zone;
import io.gantry.common.ZoneSpec;
import io.gantry.common.usage.UsageRecord;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sampler and the metered backend over SIMULATED zones ({@link SimulatedZoneBackend}: nothing
 * runs, CPU grows with time at the package's cap). The real-zone ground truth is in
 * {@code runc.ZoneMeteringTest}.
 */
class UsageSamplerTest {
    @TempDir
    Path tmp;
    private SimulatedZoneBackend sim;
    private UsageJournal journal;
    private UsageMeter meter;
    private UsageSampler sampler;
    private MeteredZoneBackend metered;

    @BeforeEach
    void open() {
        sim = new SimulatedZoneBackend(Set.of("img"), Clock.systemUTC());
        journal = UsageJournal.open(tmp.resolve("usage"));
        meter = new UsageMeter("n1");
        sampler = new UsageSampler(sim, meter, journal, Clock.systemUTC(), Duration.ofMillis(50));
        metered = new MeteredZoneBackend(sim, sampler);
    }

    @AfterEach
    void close() {
        sampler.close();
        journal.close();
    }

    private Zone create(String tenant) {
        return metered.create(new ZoneSpec(UUID.randomUUID(), null, tenant, "img", Package.custom(64, 50, 64, 64)));
    }

    private List<UsageRecord> records(UUID zone) {
        return journal.readAll().stream().map(UsageEntry::record).filter(r -> r.zone().equals(zone)).toList();
    }

    @Test
    void aTickReadsEveryZoneIntoTheJournal() {
        Zone a = create("acme");
        Zone b = create("acme");
        Zone c = create("beta");
        assertThat(sampler.sampleAll()).isEqualTo(3);
        assertThat(sampler.sampleAll()).isEqualTo(3);
        for (Zone z : List.of(a, b, c)) {
            assertThat(records(z.uuid())).extracting(UsageRecord::seq).containsExactly(1L, 2L);
            assertThat(records(z.uuid()).get(0).tenant()).isEqualTo(z.tenant());
            assertThat(records(z.uuid()).get(0).packageName()).isEqualTo("custom");
        }
        assertThat(sampler.samplesTaken()).isEqualTo(6);
        assertThat(sampler.recordsJournaled()).isEqualTo(6);
    }

    @Test
    void aStopIsSampledFirstAndTheStoppedZoneKeepsItsRecordsComing() throws Exception {
        Zone z = create("acme");
        sampler.sampleAll();
        Thread.sleep(50);
        metered.stop(z.uuid(), Duration.ofSeconds(1));
        List<UsageRecord> r = records(z.uuid());
        assertThat(r).hasSize(2);
        long cpuAtStop = r.get(1).cpuNanos();
        assertThat(cpuAtStop).as("the sample before the stop caught the run's tail").isGreaterThan(r.get(0).cpuNanos());
        Thread.sleep(20);
        sampler.sampleAll();
        sampler.sampleAll();
        r = records(z.uuid());
        assertThat(r).hasSize(4);
        assertThat(r.get(3).cpuNanos()).isEqualTo(cpuAtStop);
        assertThat(r.get(3).memoryBytes()).isZero();
        assertThat(r.get(3).runningMillis()).isEqualTo(r.get(1).runningMillis());
    }

    /**
     * A resize to another package (on the SIMULATED backend): the sample before the update is still
     * metered under the old package, every record after it under the new one.
     */
    @Test
    void afterAResizeToAnotherPackageTheZonesRecordsCarryTheNewName() {
        Zone z = create("acme");
        sampler.sampleAll();
        Zone resized = metered.update(z.uuid(), new ResourceUpdate(128L, null, null, null, null, null, "gantry-128M"));
        assertThat(resized.pkg().name()).isEqualTo("gantry-128M");
        sampler.sampleAll();
        assertThat(records(z.uuid())).extracting(UsageRecord::packageName).containsExactly("custom", "custom", "gantry-128M");
        metered.update(z.uuid(), new ResourceUpdate(null, null, null, 10, null, null));
        sampler.sampleAll();
        assertThat(records(z.uuid()).get(4).packageName()).as("an update without a name keeps it").isEqualTo("gantry-128M");
    }

    @Test
    void aRestartedZoneIsANewRunWhoseCountersAddUp() throws Exception {
        Zone z = create("acme");
        Thread.sleep(30);
        metered.reboot(z.uuid(), Duration.ofSeconds(1));
        long before = records(z.uuid()).get(0).cpuNanos();
        Thread.sleep(30);
        sampler.sampleAll();
        UsageEntry after = meter.last(z.uuid()).orElseThrow();
        long secondRun = after.raw().cpuNanos();
        assertThat(after.record().cpuNanos()).isEqualTo(before + secondRun);
        assertThat(after.incarnation()).isNotEqualTo(journal.readAll().get(0).incarnation());
    }

    @Test
    void aDeleteIsSampledFirstThenGetsTheFinalRecordAndNothingAfter() {
        Zone z = create("acme");
        sampler.sampleAll();
        metered.delete(z.uuid());
        List<UsageRecord> r = records(z.uuid());
        assertThat(r).extracting(UsageRecord::last).containsExactly(false, false, true);
        assertThat(r.get(2).cpuNanos()).isEqualTo(r.get(1).cpuNanos());
        assertThat(sampler.sampleAll()).isZero();
        assertThat(meter.liveZones()).isEmpty();
    }

    @Test
    void aZoneDeletedBehindTheMetersBackGetsItsFinalRecordAtTheNextTick() {
        Zone z = create("acme");
        sampler.sampleAll();
        sim.delete(z.uuid()); // not through the metered backend
        assertThat(sampler.sampleAll()).isEqualTo(1);
        assertThat(records(z.uuid())).extracting(UsageRecord::last).containsExactly(false, true);
    }

    @Test
    void oneFailingZoneDoesNotStopTheOthersAndAVanishingOneIsSkipped() {
        Zone ok = create("acme");
        Zone broken = create("acme");
        Zone vanishing = create("acme");
        ZoneBackend flaky = new ForwardingZoneBackend(sim) {
            @Override
            public Optional<ZoneRun> currentRun(UUID uuid) {
                if (uuid.equals(broken.uuid())) {
                    throw new IllegalStateException("cgroup file unreadable");
                }
                if (uuid.equals(vanishing.uuid())) {
                    throw GantryException.notFound("zone " + uuid + " stopped while it was read");
                }
                return sim.currentRun(uuid);
            }
        };
        try (UsageSampler s = new UsageSampler(flaky, meter, journal, Clock.systemUTC(), Duration.ofSeconds(1))) {
            assertThat(s.sampleAll()).isEqualTo(1);
            assertThat(s.sampleAll()).isEqualTo(1);
            assertThat(records(ok.uuid())).hasSize(2);
            assertThat(records(broken.uuid())).isEmpty();
            assertThat(records(vanishing.uuid())).isEmpty();
        }
    }

    @Test
    void aBackendThatCannotBeMeteredYieldsNothingAndDoesNotThrow() {
        create("acme");
        ZoneBackend plain = new ForwardingZoneBackend(sim) {
            @Override
            public Optional<ZoneRun> currentRun(UUID uuid) {
                throw new UnsupportedOperationException("this backend cannot be metered"); // as ZoneBackend's default
            }
        };
        try (UsageSampler s = new UsageSampler(plain, meter, journal, Clock.systemUTC(), Duration.ofSeconds(1))) {
            assertThat(s.sampleAll()).isZero();
        }
    }

    @Test
    void theLoopTicksEveryInterval() {
        create("acme");
        sampler.start("n1");
        await().atMost(Duration.ofSeconds(10)).until(() -> sampler.recordsJournaled() >= 10);
        sampler.close();
        long n = sampler.recordsJournaled();
        assertThat(journal.readAll()).hasSize((int) n);
    }

    /** Counts the backend's full lists. */
    private static final class CountingLists extends ForwardingZoneBackend {
        final java.util.concurrent.atomic.AtomicInteger lists = new java.util.concurrent.atomic.AtomicInteger();

        CountingLists(ZoneBackend inner) {
            super(inner);
        }

        @Override
        public List<Zone> list() {
            lists.incrementAndGet();
            return inner.list();
        }
    }

    @Test
    void theZoneListIsTakenAtTheFirstTickAndThenOnlyEveryRelistPeriod() {
        CountingLists counting = new CountingLists(sim);
        try (UsageSampler s = new UsageSampler(counting, meter, journal, Clock.systemUTC(), Duration.ofSeconds(1))) {
            MeteredZoneBackend m = new MeteredZoneBackend(counting, s);
            m.create(new ZoneSpec(UUID.randomUUID(), null, "acme", "img", Package.custom(64, 50, 64, 64)));
            for (int i = 0; i < 30; i++) {
                assertThat(s.sampleAll()).isEqualTo(1);
            }
            assertThat(counting.lists).as("30 ticks at 1 s: one list, at the first").hasValue(1);
            s.sampleAll();
            assertThat(counting.lists).as("30 ticks after it, it lists again").hasValue(2);
        }
    }

    @Test
    void aZoneMadeBetweenTwoTicksIsSampledFromTheNextAndOneDeletedBetweenTwoTicksEndsThere() throws Exception {
        Zone early = create("acme");
        assertThat(sampler.sampleAll()).isEqualTo(1);
        Zone added = create("acme");
        Thread.sleep(40);
        assertThat(sampler.sampleAll()).isEqualTo(2);
        List<UsageRecord> first = records(added.uuid());
        assertThat(first).extracting(UsageRecord::seq).containsExactly(1L);
        assertThat(first.get(0).runningMillis()).as("its first record counts from the start of its run")
                .isBetween(40L, first.get(0).timeMillis() - added.createdAt().toEpochMilli() + 1);
        metered.delete(added.uuid());
        assertThat(records(added.uuid())).extracting(UsageRecord::last).containsExactly(false, false, true);
        assertThat(sampler.sampleAll()).as("only the zone left").isEqualTo(1);
        assertThat(records(added.uuid())).hasSize(3);
        assertThat(records(early.uuid())).extracting(UsageRecord::seq).containsExactly(1L, 2L, 3L);
    }

    @Test
    void aZoneMadeBehindTheSamplersBackIsPickedUpAtTheNextFullListWithNothingLost() throws Exception {
        try (UsageSampler s = new UsageSampler(sim, meter, journal, Clock.systemUTC(), Duration.ofMillis(100), Duration.ofMillis(300))) {
            assertThat(s.sampleAll()).isZero();
            Zone moved = sim.create(new ZoneSpec(UUID.randomUUID(), null, "acme", "img", Package.custom(64, 50, 64, 64)));
            Thread.sleep(50);
            s.sampleAll();
            s.sampleAll();
            assertThat(s.sampleAll()).as("the third tick lists again").isEqualTo(1);
            UsageRecord r = records(moved.uuid()).get(0);
            assertThat(r.seq()).isEqualTo(1);
            assertThat(r.runningMillis()).as("counted from the start of its run").isGreaterThanOrEqualTo(50);
            assertThat(r.cpuNanos()).isPositive();
        }
    }

    @Test
    void aDeleteThatFailsLeavesTheZoneMeteredAndWithoutAFinalRecord() {
        Zone z = create("acme");
        ZoneBackend refusing = new ForwardingZoneBackend(sim) {
            @Override
            public void delete(UUID uuid) {
                throw GantryException.invalid("refused");
            }
        };
        try (UsageSampler s = new UsageSampler(refusing, meter, journal, Clock.systemUTC(), Duration.ofSeconds(1))) {
            MeteredZoneBackend m = new MeteredZoneBackend(refusing, s);
            assertThat(s.sampleAll()).isEqualTo(1);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> m.delete(z.uuid())).hasMessageContaining("refused");
            assertThat(s.sampleAll()).isEqualTo(1);
            assertThat(records(z.uuid())).extracting(UsageRecord::last).containsOnly(false).hasSize(3);
        }
    }

    @Test
    void aDeleteThatFailsAfterTheZoneWentStillGetsItsFinalRecordAtOnce() {
        Zone z = create("acme");
        ZoneBackend failingLate = new ForwardingZoneBackend(sim) {
            @Override
            public void delete(UUID uuid) {
                inner.delete(uuid);
                throw GantryException.invalid("the zone went, the cleanup after it failed");
            }
        };
        try (UsageSampler s = new UsageSampler(failingLate, meter, journal, Clock.systemUTC(), Duration.ofSeconds(1))) {
            MeteredZoneBackend m = new MeteredZoneBackend(failingLate, s);
            assertThat(s.sampleAll()).isEqualTo(1);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> m.delete(z.uuid())).hasMessageContaining("cleanup");
            assertThat(records(z.uuid())).extracting(UsageRecord::last).containsExactly(false, false, true);
            assertThat(s.sampleAll()).isZero();
        }
    }

    @Test
    void aThousandZonesMadeAndDeletedLeaveNothingBehindInTheRosterOrTheMeter() {
        for (int i = 0; i < 1000; i++) {
            Zone z = create("acme");
            assertThat(sampler.sampleAll()).isEqualTo(1);
            metered.delete(z.uuid());
        }
        assertThat(sampler.rosterSize()).isZero();
        assertThat(meter.liveZones()).isEmpty();
        assertThat(sampler.sampleAll()).isZero();
    }
}
