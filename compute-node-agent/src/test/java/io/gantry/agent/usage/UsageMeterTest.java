package io.gantry.agent.usage;

import static org.assertj.core.api.Assertions.assertThat;

import io.gantry.agent.ZoneCounters;
import io.gantry.agent.ZoneRun;
import io.gantry.common.usage.UsageRecord;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class UsageMeterTest {
    static final UUID ZONE = UUID.fromString("00000000-0000-0000-0000-0000000000a1");
    static final long T0 = 1_700_000_000_000L;
    static final long MiB = 1 << 20;

    final UsageMeter meter = new UsageMeter("n1");

    static ZoneCounters counters(long cpu, long memory, long rx, long tx, long oom, long forks, long disk) {
        return new ZoneCounters(cpu, memory, memory + 1, 64 * MiB, oom, 3, 64, forks, 50_000, rx, tx, disk, 64 * MiB);
    }

    static ZoneReading running(long t, String incarnation, long startedAt, ZoneCounters c) {
        return new ZoneReading(ZONE, "acme", "small", t, new ZoneRun(incarnation, startedAt, c));
    }

    static ZoneReading stopped(long t) {
        return new ZoneReading(ZONE, "acme", "small", t, null);
    }

    UsageRecord take(ZoneReading r) {
        UsageEntry e = meter.measure(r).orElseThrow();
        meter.accept(e);
        return e.record();
    }

    @Test
    void firstReadingStartsAtSeqOneAndCountsTheRunFromZero() {
        UsageRecord r = take(running(T0, "100@5", T0 - 400, counters(2_000, 10 * MiB, 300, 400, 0, 0, 5 * MiB)));
        assertThat(r.seq()).isEqualTo(1);
        assertThat(r.cpuNanos()).isEqualTo(2_000);
        assertThat(r.netRxBytes()).isEqualTo(300);
        assertThat(r.netTxBytes()).isEqualTo(400);
        assertThat(r.runningMillis()).as("since the run began").isEqualTo(400);
        assertThat(r.memoryByteSeconds()).isEqualTo(10 * MiB * 400 / 1000);
        assertThat(r.diskByteSeconds()).isEqualTo(5 * MiB * 400 / 1000);
        assertThat(r.node()).isEqualTo("n1");
        assertThat(r.tenant()).isEqualTo("acme");
        assertThat(r.packageName()).isEqualTo("small");
        assertThat(r.last()).isFalse();
    }

    @Test
    void withinOneIncarnationCountersAddTheirGrowthAndIntegralsTheElapsedTime() {
        take(running(T0, "100@5", T0, counters(1_000, 8 * MiB, 10, 20, 0, 0, 4 * MiB)));
        UsageRecord r = take(running(T0 + 1000, "100@5", T0, counters(501_000, 16 * MiB, 110, 220, 1, 2, 6 * MiB)));
        assertThat(r.seq()).isEqualTo(2);
        assertThat(r.cpuNanos()).isEqualTo(501_000);
        assertThat(r.netRxBytes()).isEqualTo(110);
        assertThat(r.netTxBytes()).isEqualTo(220);
        assertThat(r.oomKills()).isEqualTo(1);
        assertThat(r.forksRefused()).isEqualTo(2);
        assertThat(r.runningMillis()).isEqualTo(1000);
        assertThat(r.memoryBytes()).isEqualTo(16 * MiB);
        assertThat(r.memoryPeakBytes()).isEqualTo(16 * MiB + 1);
        assertThat(r.memoryByteSeconds()).as("memory now x 1 s").isEqualTo(16 * MiB);
        assertThat(r.diskUsedBytes()).isEqualTo(6 * MiB);
        assertThat(r.diskByteSeconds()).isEqualTo(6 * MiB);

        r = take(running(T0 + 2000, "100@5", T0, counters(502_000, 16 * MiB, 110, 220, 1, 2, 6 * MiB)));
        assertThat(r.cpuNanos()).isEqualTo(502_000);
        assertThat(r.memoryByteSeconds()).isEqualTo(32 * MiB);
    }

    @Test
    void aNewIncarnationCountsItsCountersFromZeroAndOnlyItsOwnRunningTime() {
        take(running(T0, "100@5", T0, counters(9_000, MiB, 500, 600, 2, 0, MiB)));
        // restarted between readings: the new run began 300 ms before this reading; its counters are small again
        UsageRecord r = take(running(T0 + 1000, "200@77", T0 + 700, counters(1_000, MiB, 40, 50, 0, 1, MiB)));
        assertThat(r.cpuNanos()).as("old total + the new run's raw counter").isEqualTo(10_000);
        assertThat(r.netRxBytes()).isEqualTo(540);
        assertThat(r.netTxBytes()).isEqualTo(650);
        assertThat(r.oomKills()).isEqualTo(2);
        assertThat(r.forksRefused()).isEqualTo(1);
        assertThat(r.runningMillis()).as("only since the new run began").isEqualTo(300);
        assertThat(r.memoryByteSeconds()).isEqualTo(MiB * 300 / 1000);
        assertThat(r.diskByteSeconds()).as("the disk existed all along").isEqualTo(MiB);

        r = take(running(T0 + 2000, "200@77", T0 + 700, counters(3_000, MiB, 40, 50, 0, 1, MiB)));
        assertThat(r.cpuNanos()).isEqualTo(12_000);
    }

    @Test
    void aCounterThatGoesDownWithinOneIncarnationIsTakenAsAReset() {
        take(running(T0, "100@5", T0, counters(9_000, 0, 500, 600, 0, 0, 0)));
        UsageRecord r = take(running(T0 + 1000, "100@5", T0, counters(9_500, 0, 30, 650, 0, 0, 0)));
        assertThat(r.netRxBytes()).as("500 + 30: nothing subtracted").isEqualTo(530);
        assertThat(r.netTxBytes()).isEqualTo(650);
        assertThat(r.cpuNanos()).isEqualTo(9_500);
        r = take(running(T0 + 2000, "100@5", T0, counters(9_500, 0, 70, 650, 0, 0, 0)));
        assertThat(r.netRxBytes()).as("goes on from the reset value").isEqualTo(570);
    }

    @Test
    void aStoppedZoneYieldsARecordEveryTickWithItsDiskStillAccruing() {
        take(running(T0, "100@5", T0, counters(5_000, 8 * MiB, 10, 20, 0, 0, 3 * MiB)));
        UsageRecord r = take(stopped(T0 + 1000));
        assertThat(r.seq()).isEqualTo(2);
        assertThat(r.cpuNanos()).isEqualTo(5_000);
        assertThat(r.netRxBytes()).isEqualTo(10);
        assertThat(r.memoryBytes()).isZero();
        assertThat(r.runningMillis()).isZero();
        assertThat(r.memoryByteSeconds()).isZero();
        assertThat(r.diskUsedBytes()).as("last known").isEqualTo(3 * MiB);
        assertThat(r.diskByteSeconds()).isEqualTo(3 * MiB);
        r = take(stopped(T0 + 3000));
        assertThat(r.seq()).isEqualTo(3);
        assertThat(r.diskByteSeconds()).isEqualTo(9 * MiB);
        assertThat(r.cpuNanos()).isEqualTo(5_000);
    }

    @Test
    void aZoneNeverSeenRunningYieldsNothing() {
        assertThat(meter.measure(stopped(T0))).isEmpty();
        assertThat(meter.measureFinal(ZONE, T0)).isEmpty();
    }

    @Test
    void measuringChangesNothingUntilTheEntryIsAccepted() {
        take(running(T0, "100@5", T0, counters(1_000, 0, 0, 0, 0, 0, 0)));
        UsageEntry proposed = meter.measure(running(T0 + 1000, "100@5", T0, counters(2_000, 0, 0, 0, 0, 0, 0))).orElseThrow();
        UsageEntry again = meter.measure(running(T0 + 2000, "100@5", T0, counters(3_000, 0, 0, 0, 0, 0, 0))).orElseThrow();
        assertThat(proposed.seq()).isEqualTo(2);
        assertThat(again.seq()).as("the first proposal was never journaled").isEqualTo(2);
        assertThat(again.record().cpuNanos()).isEqualTo(3_000);
    }

    @Test
    void integralsCarrySubSecondRemaindersExactly() {
        take(running(T0, "1@1", T0, counters(0, 3, 0, 0, 0, 0, 7)));
        for (int i = 1; i <= 10; i++) {
            take(running(T0 + i * 333L, "1@1", T0, counters(0, 3, 0, 0, 0, 0, 7)));
        }
        UsageRecord r = take(running(T0 + 4000, "1@1", T0, counters(0, 3, 0, 0, 0, 0, 7)));
        assertThat(r.memoryByteSeconds()).as("3 B x 4 s").isEqualTo(12);
        assertThat(r.diskByteSeconds()).as("7 B x 4 s").isEqualTo(28);
        assertThat(r.runningMillis()).isEqualTo(4000);
    }

    @Test
    void restoredFromItsLastEntryTheMeterGoesOnWithoutARepeatedSeqOrALostCount() {
        take(running(T0, "100@5", T0, counters(1_000, MiB, 100, 200, 0, 0, MiB)));
        UsageEntry last = meter.measure(running(T0 + 1000, "100@5", T0, counters(4_000, MiB, 300, 500, 0, 0, MiB))).orElseThrow();
        meter.accept(last);

        UsageMeter restarted = new UsageMeter("n1");
        restarted.restore(last);
        UsageEntry next = restarted.measure(running(T0 + 2000, "100@5", T0, counters(6_000, MiB, 350, 600, 0, 0, MiB))).orElseThrow();
        UsageEntry reference = meter.measure(running(T0 + 2000, "100@5", T0, counters(6_000, MiB, 350, 600, 0, 0, MiB))).orElseThrow();
        assertThat(next).as("exactly what the meter that never stopped makes").isEqualTo(reference);
        assertThat(next.seq()).isEqualTo(3);
        assertThat(next.record().cpuNanos()).isEqualTo(6_000);
        assertThat(next.record().netTxBytes()).isEqualTo(600);
    }

    @Test
    void theFinalRecordIsLastKeepsTheCountersAndNothingFollowsIt() {
        take(running(T0, "100@5", T0, counters(1_000, MiB, 100, 200, 0, 0, 2 * MiB)));
        UsageEntry end = meter.measureFinal(ZONE, T0 + 500).orElseThrow();
        meter.accept(end);
        assertThat(end.record().last()).isTrue();
        assertThat(end.seq()).isEqualTo(2);
        assertThat(end.record().cpuNanos()).isEqualTo(1_000);
        assertThat(end.record().diskByteSeconds()).isEqualTo(MiB);
        assertThat(meter.measure(running(T0 + 1000, "100@5", T0, counters(2_000, 0, 0, 0, 0, 0, 0)))).isEmpty();
        assertThat(meter.liveZones()).isEmpty();
        meter.forget(ZONE);
        assertThat(meter.last(ZONE)).isEmpty();
    }

    @Test
    void aReadingOlderThanTheLastRecordAddsNoTime() {
        take(running(T0 + 5000, "1@1", T0, counters(100, MiB, 0, 0, 0, 0, MiB)));
        UsageRecord r = take(running(T0 + 4000, "1@1", T0, counters(200, MiB, 0, 0, 0, 0, MiB)));
        assertThat(r.timeMillis()).isEqualTo(T0 + 5000);
        assertThat(r.runningMillis()).isEqualTo(5000);
        assertThat(r.cpuNanos()).isEqualTo(200);
    }
}
