package io.gantry.agent.usage;

import io.gantry.common.usage.UsageAck;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's durable record of usage not yet acknowledged by metering, in {@code <stateDir>/usage/}:
 *
 * <ul>
 * <li>{@code <id>.seg}: append-only segments of frames (length, CRC32, payload of
 *     {@link EntryCodec binary entries}); one frame and one {@code fsync} per {@link #append} (one
 *     tick of every zone). A segment is closed at {@code segmentBytes} and a new one begun; opening
 *     the journal always begins a new one ({@link SegmentLog}, {@link SegmentFiles}).</li>
 * <li>{@code lock}: held (flock) while the journal is open, so only one process writes it.</li>
 * <li>{@code acks}: the highest acknowledged seq per zone, replaced durably on every acknowledgement
 *     ({@link AckState}).</li>
 * <li>{@code checkpoint}: the last entry of every zone, written durably before any segment is
 *     deleted, so the meter resumes seq and cumulative counters after a restart even when every
 *     segment holding that zone is gone ({@link Checkpoint}).</li>
 * </ul>
 *
 * <p><b>Compaction</b>: once every entry of a closed segment is acknowledged, the segment is deleted.
 * <b>Bound</b>: above {@code maxBytes}, the oldest closed segment with unacknowledged entries is
 * thinned: of each zone it keeps the zone's last entry in that segment and every other one before
 * it (acknowledged ones go), so totals stay exact (records are cumulative) and only resolution is
 * lost; repeated until the journal fits or nothing more can go ({@link Retention}). <b>Recovery</b>:
 * opening reads checkpoint and segments, cuts a torn or damaged tail off (it was never shipped: only
 * entries whose fsync returned are), and rebuilds each zone's last entry and the unacknowledged queue.
 *
 * <p>Memory use does not grow with the backlog: {@link #unacked} reads the segments from a cursor
 * that moves past acknowledged frames ({@link UnackedReader}). Thread-safe.
 */
public final class UsageJournal implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(UsageJournal.class);
    public static final long DEFAULT_SEGMENT_BYTES = 1L << 20;
    public static final long DEFAULT_MAX_BYTES = 256L << 20;

    /** What opening the journal found. */
    public record Recovery(int segments, long entries, long truncatedBytes, int zones, long unacked) {
    }

    private final Path dir;
    private final long maxBytes;
    private final AckState acks;
    private final Checkpoint checkpoint;
    private final SegmentLog log;
    private final Retention retention;
    private final Recovery recovery;
    private final FileChannel lockFile;
    private boolean closed;

    private UsageJournal(Path dir, long segmentBytes, long maxBytes) {
        this.dir = dir;
        this.maxBytes = maxBytes;
        this.acks = new AckState(dir);
        this.checkpoint = new Checkpoint(dir);
        this.log = new SegmentLog(dir, segmentBytes);
        this.retention = new Retention(dir, maxBytes, log, acks, checkpoint);
        this.lockFile = JournalFiles.lock(dir);
        try {
            this.recovery = recover();
        } catch (RuntimeException e) {
            JournalFiles.closeQuietly(lockFile);
            throw e;
        }
    }

    /** Opens (creating if need be) the journal in {@code dir} and recovers what it holds. */
    public static UsageJournal open(Path dir, long segmentBytes, long maxBytes) {
        if (segmentBytes < 1024 || maxBytes < segmentBytes) {
            throw new IllegalArgumentException("journal segments must be at least 1 KiB and the bound at least one segment");
        }
        return new UsageJournal(dir.toAbsolutePath().normalize(), segmentBytes, maxBytes);
    }

    public static UsageJournal open(Path dir) {
        return open(dir, DEFAULT_SEGMENT_BYTES, DEFAULT_MAX_BYTES);
    }

    public Path dir() {
        return dir;
    }

    public Recovery recovery() {
        return recovery;
    }

    /** Appends one tick's entries as one frame and forces it to disk before returning. */
    public synchronized void append(List<UsageEntry> entries) {
        requireOpen();
        if (entries.isEmpty()) {
            return;
        }
        log.append(entries);
        entries.forEach(checkpoint::keep);
        try {
            retention.enforceBound();
        } catch (RuntimeException e) {
            // the entries are on disk: the append succeeded (throwing would make the caller reuse their seqs)
            LOG.error("usage journal {}: cannot keep within its bound of {} bytes: {}", dir, maxBytes, e.toString());
        }
    }

    /** Up to {@code limit} entries not yet acknowledged, in journal order. */
    public synchronized List<UsageEntry> unacked(int limit) {
        requireOpen();
        return log.unacked(limit, acks);
    }

    /**
     * Records what metering stored (durably) and deletes the segments now wholly acknowledged.
     * Returns the zones whose final record is now acknowledged: the meter may forget them.
     */
    public synchronized Set<UUID> acknowledge(UsageAck ack) {
        requireOpen();
        if (!acks.advance(ack)) {
            return Set.of();
        }
        Set<UUID> ended = new HashSet<>();
        for (UsageAck.Stored s : ack.acked()) {
            UsageEntry last = checkpoint.latest(s.zone());
            if (last != null && last.record().last() && acks.covers(last)) {
                ended.add(s.zone());
            }
        }
        retention.compact();
        return ended;
    }

    /** The last entry of every zone the meter should resume (zones whose final record is acknowledged are left out). */
    public synchronized List<UsageEntry> resumable() {
        return checkpoint.resumable(acks);
    }

    /** The highest acknowledged seq of a zone, 0 if none. */
    public synchronized long acked(UUID zone) {
        return acks.of(zone);
    }

    /** Bytes on disk: segments, checkpoint and acknowledgements. */
    public synchronized long bytes() {
        return retention.bytes();
    }

    /** How many entries are not yet acknowledged (exact unless a thinned segment is partly acknowledged). */
    public synchronized long backlog() {
        return log.backlog(acks);
    }

    public synchronized int segmentCount() {
        return log.count();
    }

    /** Entries dropped by thinning since the journal was opened. */
    public long thinnedEntries() {
        return retention.thinnedEntries();
    }

    /** Every entry still in the segments, acknowledged or not, in journal order (for diagnostics and tests). */
    public synchronized List<UsageEntry> readAll() {
        return log.readAll();
    }

    /**
     * Every entry of the segments in {@code dir}, in journal order, read without changing anything
     * (no recovery, no truncation): safe while another process writes the journal. Each segment is
     * read up to its first incomplete or damaged frame.
     */
    public static List<UsageEntry> peek(Path dir) {
        return SegmentFiles.peek(dir);
    }

    /** The checkpoint's entries (for diagnostics and tests). */
    public synchronized Collection<UsageEntry> checkpoint() {
        return checkpoint.read().values();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        log.closeWriter();
        JournalFiles.closeQuietly(lockFile); // releases the lock
    }

    private Recovery recover() {
        JournalFiles.prepare(dir);
        acks.load();
        checkpoint.load();
        SegmentLog.Recovered found = log.recover(checkpoint::keep);
        retention.compact();
        return new Recovery(log.count(), found.entries(), found.truncatedBytes(), checkpoint.zones(), log.backlog(acks));
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("the usage journal " + dir + " is closed");
        }
    }
}
