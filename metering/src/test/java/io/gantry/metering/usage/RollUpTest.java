package io.gantry.metering.usage;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class RollUpTest {
    private static final UUID ZONE = UUID.fromString("00000000-0000-0000-0000-00000000000a");
    private static final UUID OTHER = UUID.fromString("00000000-0000-0000-0000-00000000000b");

    private static Counters c(long base) {
        return new Counters(base * 1000, base * 1_000_000, base * 10, base * 20, base * 3, base * 4, base / 10, base / 5);
    }

    private static RawRecord rec(UUID zone, long seq, String time, Counters counters) {
        return new RawRecord(zone, seq, "acct", "small", Instant.parse(time), counters, 100, 150);
    }

    private static ZoneCursor cursor(UUID zone, long seq, Counters counters) {
        return new ZoneCursor(zone, "acct", "small", seq, Instant.parse("2026-11-25T09:00:00Z"), counters);
    }

    private static Counters sum(List<RollUp.BucketUsage> buckets) {
        return buckets.stream().map(RollUp.BucketUsage::delta).reduce(Counters.ZERO, Counters::plus);
    }

    @Test
    void aZonesFirstRecordCountsAllOfItsCounters() {
        var result = RollUp.apply(Map.of(), List.of(rec(ZONE, 7, "2026-11-25T10:00:05Z", c(50))));

        assertThat(result.applied()).isEqualTo(1);
        assertThat(sum(result.buckets().get(Granularity.MINUTE))).isEqualTo(c(50));
        assertThat(result.cursors()).singleElement().satisfies(k -> {
            assertThat(k.seq()).isEqualTo(7);
            assertThat(k.counters()).isEqualTo(c(50));
        });
    }

    @Test
    void aRecordAddsTheDifferenceToTheCursorEvenAcrossAGapInSequence() {
        var result = RollUp.apply(Map.of(ZONE, cursor(ZONE, 3, c(10))), List.of(
                rec(ZONE, 9, "2026-11-25T10:00:30Z", c(25)),   // seq 4..8 thinned away
                rec(ZONE, 4, "2026-11-25T10:00:10Z", c(12))));  // arrives in the same pass, listed out of order

        // 12 - 10, then 25 - 12: together 25 - 10, the usage since the cursor, whatever was thinned
        assertThat(sum(result.buckets().get(Granularity.MINUTE))).isEqualTo(c(15));
        assertThat(sum(result.buckets().get(Granularity.DAY))).isEqualTo(c(15));
        assertThat(result.cursors().get(0).seq()).isEqualTo(9);
        assertThat(result.applied()).isEqualTo(2);
    }

    @Test
    void recordsAtOrBelowTheCursorAreStaleAndAddNothing() {
        var result = RollUp.apply(Map.of(ZONE, cursor(ZONE, 5, c(40))), List.of(
                rec(ZONE, 5, "2026-11-25T10:00:00Z", c(40)),
                rec(ZONE, 2, "2026-11-25T09:59:00Z", c(20))));

        assertThat(result.applied()).isZero();
        assertThat(result.stale()).isEqualTo(2);
        assertThat(result.buckets().get(Granularity.HOUR)).isEmpty();
        assertThat(result.cursors()).as("the cursor stays where it was").isEmpty();
        assertThat(result.throughSeq()).containsEntry(ZONE, 5L);
        assertThat(result.isEmpty()).isFalse();
    }

    @Test
    void aCounterThatGoesDownAddsNothingForThatCounterAndIsReported() {
        Counters lower = new Counters(2000, 1, 20, 40, 6, 8, 0, 0);   // cpu went from 2,000,000 to 1
        var result = RollUp.apply(Map.of(ZONE, cursor(ZONE, 1, c(2))), List.of(rec(ZONE, 2, "2026-11-25T10:00:00Z", lower)));

        assertThat(result.regressions()).isEqualTo(1);
        Counters d = sum(result.buckets().get(Granularity.MINUTE));
        assertThat(d.cpuNanos()).isZero();
        assertThat(d.runningMillis()).isZero();
        assertThat(result.cursors().get(0).counters()).as("the next delta starts from what the agent now reports").isEqualTo(lower);
    }

    @Test
    void deltasLandInTheMinuteHourAndDayOfTheirRecord() {
        var result = RollUp.apply(Map.of(), List.of(
                rec(ZONE, 1, "2026-11-25T23:59:59.999Z", c(10)),
                rec(ZONE, 2, "2026-11-26T00:00:00.000Z", c(13)),
                rec(ZONE, 3, "2026-11-26T00:00:59.999Z", c(20)),
                rec(ZONE, 4, "2026-11-26T00:01:00Z", c(21))));

        Map<Instant, Counters> minutes = new java.util.HashMap<>();
        result.buckets().get(Granularity.MINUTE).forEach(b -> minutes.put(b.bucket(), b.delta()));
        assertThat(minutes).containsOnly(
                Map.entry(Instant.parse("2026-11-25T23:59:00Z"), c(10)),
                Map.entry(Instant.parse("2026-11-26T00:00:00Z"), c(10)),
                Map.entry(Instant.parse("2026-11-26T00:01:00Z"), c(1)));
        assertThat(result.buckets().get(Granularity.HOUR)).extracting(RollUp.BucketUsage::bucket)
                .containsExactlyInAnyOrder(Instant.parse("2026-11-25T23:00:00Z"), Instant.parse("2026-11-26T00:00:00Z"));
        assertThat(result.buckets().get(Granularity.DAY)).extracting(RollUp.BucketUsage::bucket, RollUp.BucketUsage::delta)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple(Instant.parse("2026-11-25T00:00:00Z"), c(10)),
                        org.assertj.core.groups.Tuple.tuple(Instant.parse("2026-11-26T00:00:00Z"), c(11)));
        assertThat(result.newest()).isEqualTo(Instant.parse("2026-11-26T00:01:00Z"));
    }

    @Test
    void theMemoryPeakOfABucketIsTheHighestLevelSeenInIt() {
        var result = RollUp.apply(Map.of(), List.of(
                new RawRecord(ZONE, 1, "acct", "small", Instant.parse("2026-11-25T10:00:01Z"), c(1), 500, 300),
                new RawRecord(ZONE, 2, "acct", "small", Instant.parse("2026-11-25T10:00:02Z"), c(2), 100, 900),
                new RawRecord(ZONE, 3, "acct", "small", Instant.parse("2026-11-25T10:01:00Z"), c(3), 200, 0)));

        Map<Instant, Long> peaks = new java.util.HashMap<>();
        result.buckets().get(Granularity.MINUTE).forEach(b -> peaks.put(b.bucket(), b.memoryPeakBytes()));
        assertThat(peaks).containsEntry(Instant.parse("2026-11-25T10:00:00Z"), 900L).containsEntry(Instant.parse("2026-11-25T10:01:00Z"), 200L);
        assertThat(result.buckets().get(Granularity.HOUR).get(0).memoryPeakBytes()).isEqualTo(900);
    }

    @Test
    void periodTotalsArePerAccountAndSplitAtTheMonthBoundary() {
        var result = RollUp.apply(Map.of(), List.of(
                new RawRecord(ZONE, 1, "acct", "small", Instant.parse("2026-11-30T23:59:59Z"), c(10), 0, 0),
                new RawRecord(ZONE, 2, "acct", "small", Instant.parse("2026-12-01T00:00:01Z"), c(16), 0, 0),
                new RawRecord(OTHER, 1, "acct", "small", Instant.parse("2026-12-01T00:00:02Z"), c(5), 0, 0),
                new RawRecord(UUID.randomUUID(), 1, "someone-else", "small", Instant.parse("2026-12-01T00:00:03Z"), c(100), 0, 0)));

        Map<String, Counters> months = new java.util.HashMap<>();
        for (RollUp.PeriodUsage p : result.periods()) {
            if (p.period() == Period.MONTH) {
                months.put(p.account() + "@" + p.start(), p.delta());
            }
        }
        assertThat(months).containsOnly(
                Map.entry("acct@2026-11-01T00:00:00Z", c(10)),
                Map.entry("acct@2026-12-01T00:00:00Z", c(6).plus(c(5))),
                Map.entry("someone-else@2026-12-01T00:00:00Z", c(100)));
        assertThat(result.periods()).filteredOn(p -> p.period() == Period.HOUR && p.account().equals("acct"))
                .extracting(RollUp.PeriodUsage::start)
                .containsExactlyInAnyOrder(Instant.parse("2026-11-30T23:00:00Z"), Instant.parse("2026-12-01T00:00:00Z"));
    }

    @Test
    void manyZonesInOnePassEachKeepTheirOwnCursor() {
        List<RawRecord> pending = new ArrayList<>();
        for (int seq = 1; seq <= 3; seq++) {
            pending.add(rec(ZONE, seq, "2026-11-25T10:00:0" + seq + "Z", c(seq * 10)));
            pending.add(rec(OTHER, seq, "2026-11-25T10:00:0" + seq + "Z", c(seq * 100)));
        }
        var result = RollUp.apply(Map.of(OTHER, cursor(OTHER, 1, c(100))), pending);

        Map<UUID, Counters> perZone = new java.util.HashMap<>();
        result.buckets().get(Granularity.HOUR).forEach(b -> perZone.merge(b.zone(), b.delta(), Counters::plus));
        assertThat(perZone).containsEntry(ZONE, c(30)).containsEntry(OTHER, c(200));
        assertThat(result.stale()).isEqualTo(1);
        assertThat(result.throughSeq()).containsEntry(ZONE, 3L).containsEntry(OTHER, 3L);
    }
}
