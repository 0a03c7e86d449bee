package io.gantry.agent.usage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The journal's segments: the one being written (one frame and one {@code fsync} per append, closed
 * at {@code segmentBytes}; opening always begins a new one), the closed ones, their recovery and the
 * reading of what is not yet acknowledged. Not thread-safe: {@link UsageJournal} guards it.
 */
final class SegmentLog {
    private static final Logger LOG = LoggerFactory.getLogger(UsageJournal.class);

    /** What recovery found: entries kept, and bytes cut off torn or damaged tails. */
    record Recovered(long entries, long truncatedBytes) {
    }

    private final Path dir;
    private final long segmentBytes;
    private final TreeMap<Long, Segment> segments = new TreeMap<>();
    private final UnackedReader reader = new UnackedReader();
    private Segment active;
    private FileChannel writer;
    private EntryCodec.State writerState;

    SegmentLog(Path dir, long segmentBytes) {
        this.dir = dir;
        this.segmentBytes = segmentBytes;
    }

    /** Reads every segment file, cutting torn tails and dropping empty files; hands each entry to {@code found}. */
    Recovered recover(Consumer<UsageEntry> found) {
        long entries = 0;
        long truncated = 0;
        for (Path file : SegmentFiles.list(dir)) {
            long id;
            try {
                id = Long.parseLong(file.getFileName().toString().replace(SegmentFiles.SUFFIX, ""));
            } catch (NumberFormatException e) {
                LOG.warn("usage journal {}: ignoring a stray file {}", dir, file.getFileName());
                continue;
            }
            Segment seg = new Segment(id, file, Frames.HEADER);
            truncated += SegmentFiles.scan(seg, found);
            if (seg.entries == 0) {
                JournalFiles.deleteQuietly(file);
                continue;
            }
            segments.put(id, seg);
            entries += seg.entries;
        }
        JournalFiles.forceDirQuietly(dir);
        return new Recovered(entries, truncated);
    }

    /** Appends the entries as one frame, forced to disk before returning; closes the segment once full. */
    void append(List<UsageEntry> entries) {
        try {
            ensureActive();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot begin a usage journal segment in " + dir, e);
        }
        EntryCodec.State next = writerState.copy();
        ByteBuffer frame = Frames.frame(EntryCodec.encode(next, entries));
        int length = frame.remaining();
        try {
            Frames.writeFully(writer, frame, active.size);
            writer.force(false);
        } catch (IOException e) {
            Path segment = active.path; // undoing may close the segment and forget it
            undoPartialWrite();
            throw new UncheckedIOException("cannot write the usage journal " + segment, e);
        }
        writerState = next;
        active.size += length;
        entries.forEach(active::add);
        if (active.size >= segmentBytes) {
            seal();
        }
    }

    List<UsageEntry> unacked(int limit, AckState acks) {
        return reader.read(segments, limit, acks);
    }

    /** Every entry still in the segments, in journal order. */
    List<UsageEntry> readAll() {
        List<UsageEntry> out = new ArrayList<>();
        for (Segment seg : segments.values()) {
            out.addAll(SegmentFiles.read(seg).stream().flatMap(List::stream).toList());
        }
        return out;
    }

    /** Oldest first, the one being written (if any) included. */
    Collection<Segment> segments() {
        return segments.values();
    }

    /** The segment being written, or null. */
    Segment active() {
        return active;
    }

    int count() {
        return segments.size();
    }

    long bytes() {
        long total = 0;
        for (Segment s : segments.values()) {
            total += s.size;
        }
        return total;
    }

    long backlog(AckState acks) {
        long n = 0;
        for (Segment s : segments.values()) {
            n += s.unacked(acks);
        }
        return n;
    }

    void delete(Segment seg) {
        segments.remove(seg.id);
        JournalFiles.deleteQuietly(seg.path);
    }

    /** Takes a rewritten copy of {@code seg} (its file already replaced). */
    void replace(Segment seg, Segment rewritten) {
        seg.replaceWith(rewritten);
        reader.forget(seg.id);
    }

    /** Closes the segment being written (deleting it if empty); the next append begins a new one. */
    void seal() {
        closeWriter();
        if (active != null && active.entries == 0) {
            segments.remove(active.id);
            JournalFiles.deleteQuietly(active.path);
        }
        active = null;
    }

    void closeWriter() {
        if (writer != null) {
            try {
                writer.close();
            } catch (IOException e) {
                LOG.warn("cannot close {}: {}", active == null ? dir : active.path, e.toString());
            }
            writer = null;
        }
    }

    private void ensureActive() throws IOException {
        if (active != null) {
            return;
        }
        long id = segments.isEmpty() ? 1 : segments.lastKey() + 1;
        Path path = SegmentFiles.pathOf(dir, id);
        writer = SegmentFiles.create(dir, path);
        writerState = new EntryCodec.State();
        active = new Segment(id, path, Frames.HEADER);
        segments.put(id, active);
    }

    /** A failed write may have left part of a frame: cut it, or at least stop writing behind it. */
    private void undoPartialWrite() {
        try {
            writer.truncate(active.size);
            writer.force(true);
        } catch (IOException e) {
            LOG.warn("cannot cut a failed write off {}: closing the segment (recovery will cut it)", active.path);
            seal();
        }
    }
}
