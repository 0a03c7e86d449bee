package io.gantry.agent.usage;

import static io.gantry.agent.usage.Entries.A;
import static io.gantry.agent.usage.Entries.B;
import static io.gantry.agent.usage.Entries.entry;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/** The thinning decision ({@link Retention#thinned}) as a pure function of a segment's frames and what is acknowledged. */
class RetentionThinningTest {
    private static List<List<UsageEntry>> oneZoneOnePerFrame(UUID zone, int count) {
        List<List<UsageEntry>> frames = new ArrayList<>();
        for (int seq = 1; seq <= count; seq++) {
            frames.add(List.of(entry(zone, seq)));
        }
        return frames;
    }

    private static List<Long> seqs(List<List<UsageEntry>> frames) {
        return frames.stream().flatMap(List::stream).map(UsageEntry::seq).toList();
    }

    @Test
    void keepsTheLastEntryAndEveryOtherUnacknowledgedOneCountingBackFromIt() {
        List<List<UsageEntry>> kept = Retention.thinned(oneZoneOnePerFrame(A, 6), e -> false);

        assertThat(seqs(kept)).containsExactly(2L, 4L, 6L);
        assertThat(kept).as("frames left empty are dropped").hasSize(3);
    }

    @Test
    void dropsAcknowledgedEntriesButNeverAZonesLastOne() {
        assertThat(seqs(Retention.thinned(oneZoneOnePerFrame(A, 5), e -> true))).containsExactly(5L);
        assertThat(seqs(Retention.thinned(oneZoneOnePerFrame(A, 5), e -> e.seq() <= 2))).containsExactly(3L, 5L);
    }

    @Test
    void decidesPerZoneAndKeepsTheOrderWithinFrames() {
        List<List<UsageEntry>> frames = List.of(
                List.of(entry(A, 1), entry(B, 1)),
                List.of(entry(B, 2), entry(A, 2)),
                List.of(entry(A, 3), entry(B, 3)));

        List<List<UsageEntry>> kept = Retention.thinned(frames, e -> e.zone().equals(B));

        assertThat(kept).containsExactly(
                List.of(entry(A, 1)),
                List.of(entry(A, 3), entry(B, 3)));
    }

    @Test
    void aSegmentAlreadyDownToOneEntryPerZoneStaysAsItIs() {
        List<List<UsageEntry>> frames = List.of(List.of(entry(A, 7), entry(B, 9)));

        assertThat(Retention.thinned(frames, e -> true)).isEqualTo(frames);
    }

    @Property(tries = 200)
    void keepsOrderLastEntriesAndAtLeastHalfOfWhatIsUnacknowledged(
            @ForAll @Size(min = 1, max = 30) List<@IntRange(min = 0, max = 3) Integer> zonePerEntry,
            @ForAll @IntRange(min = 1, max = 5) int perFrame,
            @ForAll @IntRange(min = 0, max = 20) int ackedThrough) {
        Map<UUID, Long> seq = new HashMap<>();
        List<UsageEntry> all = new ArrayList<>();
        for (int z : zonePerEntry) {
            UUID zone = new UUID(0x2, z);
            all.add(entry(zone, seq.merge(zone, 1L, Long::sum)));
        }
        List<List<UsageEntry>> frames = new ArrayList<>();
        for (int i = 0; i < all.size(); i += perFrame) {
            frames.add(all.subList(i, Math.min(all.size(), i + perFrame)));
        }

        List<List<UsageEntry>> kept = Retention.thinned(frames, e -> e.seq() <= ackedThrough);

        assertThat(kept).allSatisfy(f -> assertThat(f).isNotEmpty());
        List<UsageEntry> flat = kept.stream().flatMap(List::stream).toList();
        assertThat(all).as("what is kept is a subsequence").containsSubsequence(flat);
        Set<UUID> zones = new HashSet<>(seq.keySet());
        for (UUID zone : zones) {
            long last = seq.get(zone);
            List<Long> keptSeqs = flat.stream().filter(e -> e.zone().equals(zone)).map(UsageEntry::seq).toList();
            assertThat(keptSeqs).as("the zone's last entry").contains(last);
            assertThat(keptSeqs).as("acknowledged ones go").allMatch(s -> s == last || s > ackedThrough);
            long unacked = Math.max(0, last - Math.max(ackedThrough, 0));
            assertThat((long) keptSeqs.size()).as("at least every other unacknowledged entry").isGreaterThanOrEqualTo((unacked + 1) / 2);
        }
    }
}
