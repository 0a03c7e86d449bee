package io.gantry.agent.usage;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/** What the journal knows of one segment file without reading it: its size and, per zone, which seqs it holds. */
final class Segment {
    final long id;
    final Path path;
    long size;
    long entries;
    Map<UUID, Span> spans = new HashMap<>();

    Segment(long id, Path path, long size) {
        this.id = id;
        this.path = path;
        this.size = size;
    }

    void add(UsageEntry e) {
        entries++;
        spans.computeIfAbsent(e.zone(), z -> new Span()).add(e.seq());
    }

    /** Whether thinning could drop anything: some zone has more than one entry here. */
    boolean thinnable() {
        return spans.values().stream().anyMatch(s -> s.count > 1);
    }

    /** Whether every entry here is acknowledged. */
    boolean acknowledged(AckState acks) {
        return spans.entrySet().stream().allMatch(z -> z.getValue().maxSeq <= acks.of(z.getKey()));
    }

    /** How many entries here are not yet acknowledged. */
    long unacked(AckState acks) {
        long n = 0;
        for (Map.Entry<UUID, Span> z : spans.entrySet()) {
            n += z.getValue().unacked(acks.of(z.getKey()));
        }
        return n;
    }

    /** Takes the size and contents of a rewritten copy of this segment. */
    void replaceWith(Segment rewritten) {
        size = rewritten.size;
        entries = rewritten.entries;
        spans = rewritten.spans;
    }

    /** A zone's entries within one segment: how many, and their lowest and highest seq. */
    static final class Span {
        long count;
        long minSeq = Long.MAX_VALUE;
        long maxSeq;

        void add(long seq) {
            count++;
            minSeq = Math.min(minSeq, seq);
            maxSeq = Math.max(maxSeq, seq);
        }

        long unacked(long acked) {
            if (acked < minSeq) {
                return count;
            }
            if (acked >= maxSeq) {
                return 0;
            }
            return Math.min(count, maxSeq - acked); // exact unless the segment was thinned
        }
    }
}
