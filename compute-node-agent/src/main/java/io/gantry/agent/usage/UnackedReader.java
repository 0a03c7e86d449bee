package io.gantry.agent.usage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableMap;

/**
 * Reads the unacknowledged entries from the segments, starting at a cursor that moves past leading
 * frames whose entries are all acknowledged, so memory and reading do not grow with the acknowledged
 * part of the backlog. Not thread-safe: {@link UsageJournal} guards it.
 */
final class UnackedReader {
    /** Where reading starts: everything before it is acknowledged. */
    private record Cursor(long segment, long offset, EntryCodec.State state) {
    }

    private Cursor cursor;

    /** Up to {@code limit} entries of {@code segments} that {@code acks} does not cover, in journal order. */
    List<UsageEntry> read(NavigableMap<Long, Segment> segments, int limit, AckState acks) {
        List<UsageEntry> out = new ArrayList<>();
        if (limit <= 0 || segments.isEmpty()) {
            return out;
        }
        if (cursor == null || !segments.containsKey(cursor.segment())) {
            cursor = new Cursor(segments.firstKey(), Frames.HEADER, new EntryCodec.State());
        }
        boolean leading = true;
        for (Segment seg : segments.tailMap(cursor.segment(), true).values()) {
            boolean atCursor = seg.id == cursor.segment();
            long pos = atCursor ? cursor.offset() : Frames.HEADER;
            EntryCodec.State state = atCursor ? cursor.state().copy() : new EntryCodec.State();
            try (FileChannel ch = FileChannel.open(seg.path, StandardOpenOption.READ)) {
                while (pos < seg.size) {
                    Frames.Frame f = Frames.read(ch, pos, seg.size);
                    if (f.status() != Frames.Status.OK) {
                        throw new IllegalStateException("usage journal segment " + seg.path + " is damaged at byte " + pos
                                + " (" + f.status() + ")");
                    }
                    pos = f.next();
                    boolean any = false;
                    for (UsageEntry e : EntryCodec.decode(state, f.payload())) {
                        if (!acks.covers(e)) {
                            any = true;
                            if (out.size() < limit) {
                                out.add(e);
                            }
                        }
                    }
                    if (leading && !any) {
                        cursor = new Cursor(seg.id, pos, state.copy());
                    } else {
                        leading = false;
                    }
                    if (out.size() >= limit) {
                        return out;
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the usage journal " + seg.path, e);
            }
        }
        return out;
    }

    /** Drops the cursor if it points into {@code segment}, whose file was rewritten. */
    void forget(long segment) {
        if (cursor != null && cursor.segment() == segment) {
            cursor = null;
        }
    }
}
