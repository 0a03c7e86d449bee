package io.gantry.agent.usage;

import static org.assertj.core.api.Assertions.assertThat;

import io.gantry.agent.ZoneCounters;
import io.gantry.agent.ZoneRun;
import io.gantry.common.Json;
import io.gantry.common.usage.UsageAck;
import io.gantry.common.usage.UsageRecord;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UsageJournalTest {
    @TempDir
    Path dir;

    private static List<Path> segments(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".seg")).sorted().toList();
        }
    }

    private static Map<UUID, UsageEntry> lastPerZone(List<UsageEntry> entries) {
        Map<UUID, UsageEntry> last = new LinkedHashMap<>();
        entries.forEach(e -> last.put(e.zone(), e));
        return last;
    }

    private static UsageAck ackAll(List<UsageEntry> entries) {
        Map<UUID, Long> through = new HashMap<>();
        entries.forEach(e -> through.merge(e.zone(), e.seq(), Math::max));
        return new UsageAck(through.entrySet().stream().map(t -> new UsageAck.Stored(t.getKey(), t.getValue())).toList());
    }

    @Test
    void appendedEntriesSurviveAReopenInJournalOrder() {
        SyntheticZones zones = new SyntheticZones(3);
        List<UsageEntry> all = new ArrayList<>();
        try (UsageJournal j = UsageJournal.open(dir)) {
            for (int i = 0; i < 10; i++) {
                List<UsageEntry> tick = zones.tick();
                j.append(tick);
                all.addAll(tick);
            }
            assertThat(j.unacked(1000)).isEqualTo(all);
        }
        try (UsageJournal j = UsageJournal.open(dir)) {
            assertThat(j.recovery().entries()).isEqualTo(30);
            assertThat(j.recovery().truncatedBytes()).isZero();
            assertThat(j.readAll()).isEqualTo(all);
            assertThat(j.unacked(1000)).isEqualTo(all);
            assertThat(j.backlog()).isEqualTo(30);
            assertThat(j.resumable()).containsExactlyInAnyOrderElementsOf(lastPerZone(all).values());
        }
    }

    @Test
    void unackedHonoursTheLimitAndSkipsWhatIsAcknowledged() {
        SyntheticZones zones = new SyntheticZones(2);
        try (UsageJournal j = UsageJournal.open(dir)) {
            List<UsageEntry> all = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                List<UsageEntry> tick = zones.tick();
                j.append(tick);
                all.addAll(tick);
            }
            assertThat(j.unacked(3)).isEqualTo(all.subList(0, 3));
            UUID first = zones.zones.get(0);
            assertThat(j.acknowledge(new UsageAck(List.of(new UsageAck.Stored(first, 3))))).isEmpty();
            assertThat(j.unacked(100)).isEqualTo(all.stream().filter(e -> !(e.zone().equals(first) && e.seq() <= 3)).toList());
            assertThat(j.backlog()).isEqualTo(7);
            assertThat(j.acked(first)).isEqualTo(3);
            j.acknowledge(ackAll(all));
            assertThat(j.unacked(100)).isEmpty();
            assertThat(j.backlog()).isZero();
        }
        try (UsageJournal j = UsageJournal.open(dir)) {
            assertThat(j.unacked(100)).as("acknowledgements are durable").isEmpty();
        }
    }

    @Test
    void aTornTailIsCutOffOnRecoveryAndAppendingGoesOn() throws IOException {
        SyntheticZones zones = new SyntheticZones(2);
        List<UsageEntry> all = new ArrayList<>();
        try (UsageJournal j = UsageJournal.open(dir)) {
            for (int i = 0; i < 5; i++) {
                List<UsageEntry> tick = zones.tick();
                j.append(tick);
                all.addAll(tick);
            }
        }
        Path seg = segments(dir).get(0);
        long whole = Files.size(seg);
        try (RandomAccessFile f = new RandomAccessFile(seg.toFile(), "rw")) {
            f.seek(whole);
            f.writeInt(100); // a frame header announcing 100 bytes...
            f.writeInt(12345);
            f.write(new byte[10]); // ...of which only 10 reached the disk
        }
        try (UsageJournal j = UsageJournal.open(dir)) {
            assertThat(j.recovery().truncatedBytes()).isEqualTo(18);
            assertThat(Files.size(seg)).isEqualTo(whole);
            assertThat(j.readAll()).isEqualTo(all);
            List<UsageEntry> tick = zones.tick();
            j.append(tick);
            all.addAll(tick);
        }
        // now a frame cut in its middle: the last tick is lost, the rest intact
        Path last = segments(dir).get(segments(dir).size() - 1);
        try (RandomAccessFile f = new RandomAccessFile(last.toFile(), "rw")) {
            f.setLength(f.length() - 5);
        }
        try (UsageJournal j = UsageJournal.open(dir)) {
            assertThat(j.recovery().truncatedBytes()).isPositive();
            assertThat(j.readAll()).isEqualTo(all.subList(0, all.size() - 2));
            assertThat(j.resumable()).containsExactlyInAnyOrderElementsOf(lastPerZone(all.subList(0, all.size() - 2)).values());
        }
    }

    @Test
    void aFrameWhoseChecksumDoesNotMatchIsCutWithWhatFollowsIt() throws IOException {
        SyntheticZones zones = new SyntheticZones(2);
        List<UsageEntry> all = new ArrayList<>();
        try (UsageJournal j = UsageJournal.open(dir)) {
            for (int i = 0; i < 3; i++) {
                List<UsageEntry> tick = zones.tick();
                j.append(tick);
                all.addAll(tick);
            }
        }
        Path seg = segments(dir).get(0);
        try (RandomAccessFile f = new RandomAccessFile(seg.toFile(), "rw")) {
            long pos = f.length() - 3; // inside the last frame's payload
            f.seek(pos);
            int b = f.read();
            f.seek(pos);
            f.write(b ^ 0x40);
        }
        try (UsageJournal j = UsageJournal.open(dir)) {
            assertThat(j.recovery().truncatedBytes()).isPositive();
            assertThat(j.readAll()).isEqualTo(all.subList(0, 4));
        }
    }

    @Test
    void acknowledgedSegmentsAreDeletedAndTheCheckpointKeepsEveryZonesLastEntry() throws IOException {
        SyntheticZones zones = new SyntheticZones(2);
        List<UsageEntry> all = new ArrayList<>();
        try (UsageJournal j = UsageJournal.open(dir, 1024, 1 << 20)) {
            for (int i = 0; i < 100; i++) {
                List<UsageEntry> tick = zones.tick();
                j.append(tick);
                all.addAll(tick);
            }
            assertThat(j.segmentCount()).isGreaterThan(3);
            long before = j.bytes();
            j.acknowledge(ackAll(all));
            assertThat(j.segmentCount()).as("only the segment being written may stay").isLessThanOrEqualTo(1);
            assertThat(j.bytes()).isLessThan(before);
            assertThat(j.checkpoint()).containsExactlyInAnyOrderElementsOf(lastPerZone(all).values());
        }
        try (UsageJournal j = UsageJournal.open(dir, 1024, 1 << 20)) {
            assertThat(segments(dir)).as("a wholly acknowledged segment goes at recovery too").isEmpty();
            assertThat(j.unacked(100)).isEmpty();
            assertThat(j.resumable()).containsExactlyInAnyOrderElementsOf(lastPerZone(all).values());
        }
    }

    @Test
    void aboveItsBoundTheJournalThinsOldSegmentsAndKeepsEveryTotal() {
        SyntheticZones zones = new SyntheticZones(2);
        List<UsageEntry> all = new ArrayList<>();
        long bound = 16 * 1024;
        try (UsageJournal j = UsageJournal.open(dir, 4096, bound)) {
            for (int i = 0; i < 600; i++) {
                List<UsageEntry> tick = zones.tick();
                j.append(tick);
                all.addAll(tick);
            }
            assertThat(j.thinnedEntries()).isPositive();
            assertThat(j.bytes()).isLessThanOrEqualTo(bound);
            List<UsageEntry> kept = j.unacked(Integer.MAX_VALUE);
            assertThat(kept.size()).isLessThan(all.size());
            assertThat(j.backlog()).isEqualTo(kept.size());
            Map<UUID, UsageEntry> lastKept = lastPerZone(kept);
            assertThat(lastKept).as("every zone's newest entry, hence its totals, is kept").isEqualTo(lastPerZone(all));
            Map<UUID, UsageEntry> previous = new HashMap<>();
            for (UsageEntry e : kept) {
                UsageEntry p = previous.put(e.zone(), e);
                assertThat(all).contains(e); // unchanged, only fewer
                if (p != null) {
                    assertThat(e.seq()).isGreaterThan(p.seq());
                    assertThat(e.record().cpuNanos()).isGreaterThanOrEqualTo(p.record().cpuNanos());
                }
            }
        }
        try (UsageJournal j = UsageJournal.open(dir, 4096, bound)) {
            assertThat(j.recovery().truncatedBytes()).isZero();
            assertThat(j.resumable()).containsExactlyInAnyOrderElementsOf(lastPerZone(all).values());
        }
    }

    @Test
    void aRestartedMeterAndJournalGoOnWithNoRepeatedSeqAndNoLostCount() {
        UUID zone = UUID.randomUUID();
        long t0 = 1_700_000_000_000L;
        List<UsageEntry> written = new ArrayList<>();
        long cpu = 0;
        long rx = 0;
        for (int life = 0; life < 3; life++) {
            // each life: a new journal over the same directory and a new meter resumed from it (the real
            // kill -9 is in runc.ZoneMeteringTest; closing here only releases the directory's lock)
            try (UsageJournal j = UsageJournal.open(dir)) {
                UsageMeter meter = new UsageMeter("n1");
                j.resumable().forEach(meter::restore);
                for (int i = 0; i < 20; i++) {
                    cpu += 1_000_000;
                    rx += 100;
                    long t = t0 + (life * 20L + i) * 1000;
                    ZoneCounters c = new ZoneCounters(cpu, 1 << 20, 1 << 20, -1, 0, 1, 64, 0, -1, rx, 0, 0, 0);
                    UsageEntry e = meter.measure(new ZoneReading(zone, "acme", "p", t, new ZoneRun("7@7", t0, c))).orElseThrow();
                    j.append(List.of(e));
                    meter.accept(e);
                    written.add(e);
                }
            }
        }
        try (UsageJournal j = UsageJournal.open(dir)) {
            List<UsageEntry> all = j.readAll();
            assertThat(all).isEqualTo(written);
            for (int i = 0; i < all.size(); i++) {
                UsageRecord r = all.get(i).record();
                assertThat(r.seq()).isEqualTo(i + 1);
                assertThat(r.cpuNanos()).as("one run: the total is the kernel's counter").isEqualTo((i + 1) * 1_000_000L);
                assertThat(r.netRxBytes()).isEqualTo((i + 1) * 100L);
                assertThat(r.runningMillis()).isEqualTo(i * 1000L);
            }
        }
    }

    @Test
    void aZoneWhoseFinalRecordIsAcknowledgedIsReportedAndThenForgotten() {
        SyntheticZones zones = new SyntheticZones(2);
        UUID gone = zones.zones.get(1);
        List<UsageEntry> all = new ArrayList<>();
        try (UsageJournal j = UsageJournal.open(dir, 1024, 1 << 20)) {
            for (int i = 0; i < 5; i++) {
                List<UsageEntry> tick = zones.tick();
                j.append(tick);
                all.addAll(tick);
            }
            UsageEntry end = zones.meter.measureFinal(gone, 1_800_000_000_000L).orElseThrow();
            zones.meter.accept(end);
            j.append(List.of(end));
            all.add(end);
            assertThat(j.resumable()).extracting(UsageEntry::zone).contains(gone);
            assertThat(j.acknowledge(ackAll(all))).containsExactly(gone);
            assertThat(j.resumable()).extracting(UsageEntry::zone).containsExactly(zones.zones.get(0));
            for (int i = 0; i < 40; i++) { // enough for the segments that hold the ended zone to be acknowledged and go
                List<UsageEntry> tick = zones.tick().stream().filter(e -> !e.zone().equals(gone)).toList();
                j.append(tick);
                j.acknowledge(ackAll(tick));
            }
            assertThat(j.checkpoint()).extracting(UsageEntry::zone).doesNotContain(gone);
        }
        try (UsageJournal j = UsageJournal.open(dir, 1024, 1 << 20)) {
            assertThat(j.resumable()).extracting(UsageEntry::zone).containsExactly(zones.zones.get(0));
            assertThat(j.acked(gone)).as("pruned").isZero();
        }
    }

    @Test
    void entriesRoundTripThroughTheCodec() {
        Random random = new Random(7);
        List<UsageEntry> entries = new ArrayList<>();
        List<UUID> ids = List.of(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID());
        for (int i = 0; i < 500; i++) {
            UUID zone = ids.get(random.nextInt(ids.size()));
            UsageRecord r = new UsageRecord(zone, random.nextInt(1 << 20), "t" + random.nextInt(3), "n" + random.nextInt(2),
                    "pkg-" + random.nextInt(2), random.nextLong(), random.nextLong(), random.nextLong(), random.nextLong(),
                    random.nextLong(), random.nextLong(), random.nextLong(), random.nextLong(), random.nextLong(), random.nextLong(),
                    random.nextLong(), random.nextLong(), random.nextBoolean());
            KernelCounters raw = new KernelCounters(random.nextLong(), random.nextLong(), random.nextLong(), random.nextLong(),
                    random.nextLong());
            String incarnation = random.nextInt(4) == 0 ? null : "p" + random.nextInt(3);
            entries.add(new UsageEntry(r, incarnation, raw, random.nextInt(1000), random.nextInt(1000)));
        }
        byte[] payload = EntryCodec.encode(new EntryCodec.State(), entries);
        assertThat(EntryCodec.decode(new EntryCodec.State(), payload)).isEqualTo(entries);
    }

    /** Journal size per zone-hour (SYNTHETIC counters from {@link SyntheticZones}), against JSON for scale. */
    @Test
    void aZoneHourTakesAFewHundredKilobytesAtMost() {
        int zoneCount = 10;
        int ticks = 3600;
        SyntheticZones zones = new SyntheticZones(zoneCount);
        long json = 0;
        try (UsageJournal j = UsageJournal.open(dir, 1L << 20, 1L << 30)) {
            for (int i = 0; i < ticks; i++) {
                List<UsageEntry> tick = zones.tick();
                j.append(tick);
                if (i == 100) {
                    json = Json.write(tick.get(0).record()).length();
                }
            }
            long perZoneHour = j.bytes() / zoneCount;
            System.out.printf("usage journal: %d bytes per zone-hour (%.1f bytes per record; one record as JSON: %d bytes)%n",
                    perZoneHour, perZoneHour / (double) ticks, json);
            assertThat(perZoneHour).isLessThan(250_000);
        }
    }

    @Test
    void onlyOneWriterAtATime() {
        try (UsageJournal j = UsageJournal.open(dir)) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> UsageJournal.open(dir))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("already open");
        }
        UsageJournal.open(dir).close();
    }

    @Test
    void segmentFilesAreNamedInOrder() throws IOException {
        SyntheticZones zones = new SyntheticZones(1);
        try (UsageJournal j = UsageJournal.open(dir, 1024, 1 << 20)) {
            for (int i = 0; i < 200; i++) {
                j.append(zones.tick());
            }
        }
        List<Path> segs = segments(dir);
        assertThat(segs).hasSizeGreaterThan(2);
        assertThat(segs).isSortedAccordingTo(Comparator.comparing(Path::toString));
    }
}
