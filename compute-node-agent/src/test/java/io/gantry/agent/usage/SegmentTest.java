package io.gantry.agent.usage;

import static io.gantry.agent.usage.Entries.A;
import static io.gantry.agent.usage.Entries.B;
import static io.gantry.agent.usage.Entries.ack;
import static io.gantry.agent.usage.Entries.entry;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bookkeeping of a segment's contents: what compaction, thinning and the backlog are decided from. */
class SegmentTest {
    @TempDir
    Path dir;

    @Test
    void aSpanCountsWhatLiesAboveTheAcknowledgedSeq() {
        Segment.Span span = new Segment.Span();
        for (long seq = 11; seq <= 20; seq++) {
            span.add(seq);
        }

        assertThat(span.unacked(0)).isEqualTo(10);
        assertThat(span.unacked(10)).isEqualTo(10);
        assertThat(span.unacked(15)).isEqualTo(5);
        assertThat(span.unacked(20)).isZero();
        assertThat(span.unacked(99)).isZero();
    }

    @Test
    void aThinnedSpanNeverCountsMoreThanItHolds() {
        Segment.Span span = new Segment.Span();
        span.add(2);
        span.add(4);
        span.add(6);

        assertThat(span.unacked(1)).isEqualTo(3);
        assertThat(span.unacked(2)).as("seqs 3 to 6 are above, but only three entries are here").isEqualTo(3);
    }

    @Test
    void isAcknowledgedOnlyWhenEveryZonesHighestSeqIs() {
        Segment seg = new Segment(1, dir.resolve("x.seg"), Frames.HEADER);
        List.of(entry(A, 1), entry(B, 1), entry(A, 2)).forEach(seg::add);
        AckState acks = new AckState(dir);

        acks.advance(ack(A, 2));
        assertThat(seg.acknowledged(acks)).isFalse();
        assertThat(seg.unacked(acks)).isEqualTo(1);

        acks.advance(ack(B, 1));
        assertThat(seg.acknowledged(acks)).isTrue();
        assertThat(seg.unacked(acks)).isZero();
    }

    @Test
    void isThinnableWhileSomeZoneHasMoreThanOneEntry() {
        Segment seg = new Segment(1, dir.resolve("x.seg"), Frames.HEADER);
        seg.add(entry(A, 1));
        seg.add(entry(B, 1));
        assertThat(seg.thinnable()).isFalse();

        seg.add(entry(B, 2));
        assertThat(seg.thinnable()).isTrue();
        assertThat(seg.entries).isEqualTo(3);
    }
}
