package io.gantry.agent.usage;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the journal keeps. <b>Compaction</b>: a closed segment whose every entry is acknowledged is
 * deleted (after the checkpoint is written, so its zones' last entries survive it), and zones whose
 * final record is acknowledged and no segment holds are forgotten. <b>Bound</b>: above
 * {@code maxBytes}, the oldest closed segment with something to drop is {@link #thin thinned}, until
 * the journal fits or nothing more can go. Not thread-safe: {@link UsageJournal} guards it.
 */
final class Retention {
    private static final Logger LOG = LoggerFactory.getLogger(UsageJournal.class);

    private final Path dir;
    private final long maxBytes;
    private final SegmentLog log;
    private final AckState acks;
    private final Checkpoint checkpoint;
    private final AtomicLong thinned = new AtomicLong();
    private boolean boundWarned;

    Retention(Path dir, long maxBytes, SegmentLog log, AckState acks, Checkpoint checkpoint) {
        this.dir = dir;
        this.maxBytes = maxBytes;
        this.log = log;
        this.acks = acks;
        this.checkpoint = checkpoint;
    }

    /** Bytes on disk: segments, checkpoint and acknowledgements. */
    long bytes() {
        return checkpoint.fileBytes() + acks.fileBytes() + log.bytes();
    }

    /** Entries dropped by thinning since the journal was opened. */
    long thinnedEntries() {
        return thinned.get();
    }

    void compact() {
        List<Segment> done = new ArrayList<>();
        for (Segment s : log.segments()) {
            if (s != log.active() && s.acknowledged(acks)) {
                done.add(s);
            }
        }
        if (done.isEmpty()) {
            return;
        }
        checkpoint.write(); // first, so the zones' last entries survive their segments
        done.forEach(log::delete);
        JournalFiles.forceDirQuietly(dir);
        pruneEndedZones();
    }

    /** Forgets zones whose final record is acknowledged and which no segment holds any more. */
    private void pruneEndedZones() {
        Set<UUID> inSegments = new HashSet<>();
        log.segments().forEach(s -> inSegments.addAll(s.spans.keySet()));
        List<UUID> gone = new ArrayList<>();
        for (UsageEntry e : checkpoint.entries()) {
            if (e.record().last() && acks.covers(e) && !inSegments.contains(e.zone())) {
                gone.add(e.zone());
            }
        }
        if (gone.isEmpty()) {
            return;
        }
        checkpoint.forget(gone);
        acks.forget(gone);
    }

    void enforceBound() {
        while (bytes() > maxBytes) {
            Segment victim = null;
            for (Segment s : log.segments()) {
                if (s != log.active() && s.thinnable()) {
                    victim = s;
                    break;
                }
            }
            if (victim == null) {
                Segment active = log.active();
                if (active != null && active.thinnable()) {
                    log.seal();
                    continue;
                }
                if (!boundWarned) {
                    boundWarned = true;
                    LOG.warn("usage journal {} holds {} bytes, above its bound of {}, and is down to one entry per zone per "
                            + "segment: it cannot shrink further without losing usage", dir, bytes(), maxBytes);
                }
                return;
            }
            thin(victim);
        }
        boundWarned = false;
    }

    private void thin(Segment seg) {
        List<List<UsageEntry>> frames = SegmentFiles.read(seg);
        List<List<UsageEntry>> kept = thinned(frames, acks::covers);
        long before = count(frames);
        long after = count(kept);
        long oldSize = seg.size;
        log.replace(seg, SegmentFiles.rewrite(seg, kept));
        thinned.addAndGet(before - after);
        LOG.warn("usage journal above its bound of {} bytes: thinned segment {} from {} to {} entries ({} to {} bytes); "
                + "totals are kept, per-second resolution of those records is lost", maxBytes, seg.path.getFileName(),
                before, after, oldSize, seg.size);
    }

    /**
     * What thinning keeps of a segment's frames: of each zone its last entry in the segment and, of
     * the unacknowledged ones before it, every other one counting back from it; acknowledged ones go.
     * Totals stay exact because records are cumulative; only resolution is lost. Frames left empty
     * are dropped; the order of what is kept does not change.
     */
    static List<List<UsageEntry>> thinned(List<List<UsageEntry>> frames, Predicate<UsageEntry> acknowledged) {
        Map<UUID, Integer> remaining = new HashMap<>();
        for (List<UsageEntry> f : frames) {
            for (UsageEntry e : f) {
                remaining.merge(e.zone(), 1, Integer::sum);
            }
        }
        // walk forwards; "toCome" counts the zone's entries still to come in this segment
        List<List<UsageEntry>> kept = new ArrayList<>();
        for (List<UsageEntry> f : frames) {
            List<UsageEntry> k = new ArrayList<>();
            for (UsageEntry e : f) {
                int toCome = remaining.merge(e.zone(), -1, Integer::sum);
                boolean lastInSegment = toCome == 0;
                if (lastInSegment || (!acknowledged.test(e) && toCome % 2 == 0)) {
                    k.add(e);
                }
            }
            if (!k.isEmpty()) {
                kept.add(k);
            }
        }
        return kept;
    }

    private static long count(List<List<UsageEntry>> frames) {
        return frames.stream().mapToLong(List::size).sum();
    }
}
