package io.gantry.agent.usage;

import io.gantry.agent.host.DurableFiles;
import io.gantry.common.usage.UsageAck;
import io.gantry.common.usage.UsageRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's durable record of usage not yet acknowledged by metering, in {@code <stateDir>/usage/}:
 *
 * <ul>
 * <li>{@code <id>.seg}: append-only segments of frames (length, CRC32, payload of
 *     {@link EntryCodec binary entries}); one frame and one {@code fsync} per {@link #append} (one
 *     tick of every zone). A segment is closed at {@code segmentBytes} and a new one begun; opening
 *     the journal always begins a new one.</li>
 * <li>{@code lock}: held (flock) while the journal is open, so only one process writes it.</li>
 * <li>{@code acks}: the highest acknowledged seq per zone, replaced durably on every acknowledgement.</li>
 * <li>{@code checkpoint}: the last entry of every zone, written durably before any segment is
 *     deleted, so the meter resumes seq and cumulative counters after a restart even when every
 *     segment holding that zone is gone.</li>
 * </ul>
 *
 * <p><b>Compaction</b>: once every entry of a closed segment is acknowledged, the segment is deleted.
 * <b>Bound</b>: above {@code maxBytes}, the oldest closed segment with unacknowledged entries is
 * thinned: of each zone it keeps the zone's last entry in that segment and every other one before
 * it (acknowledged ones go), so totals stay exact (records are cumulative) and only resolution is
 * lost; repeated until the journal fits or nothing more can go. <b>Recovery</b>: opening reads
 * checkpoint and segments, cuts a torn or damaged tail off (it was never shipped: only entries whose
 * fsync returned are), and rebuilds each zone's last entry and the unacknowledged queue.
 *
 * <p>Memory use does not grow with the backlog: {@link #unacked} reads the segments from a cursor
 * that moves past acknowledged frames. Thread-safe.
 */
public final class UsageJournal implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(UsageJournal.class);
    public static final long DEFAULT_SEGMENT_BYTES = 1L << 20;
    public static final long DEFAULT_MAX_BYTES = 256L << 20;
    private static final byte[] SEGMENT_MAGIC = Frames.magic("GZUSAGE1");
    private static final byte[] CHECKPOINT_MAGIC = Frames.magic("GZUCKPT1");
    private static final byte[] ACKS_MAGIC = Frames.magic("GZUACKS1");
    private static final String SUFFIX = ".seg";

    /** What opening the journal found. */
    public record Recovery(int segments, long entries, long truncatedBytes, int zones, long unacked) {
    }

    /** A zone's entries within one segment: how many, and their lowest and highest seq. */
    private static final class Span {
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

    private static final class Segment {
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

        boolean thinnable() {
            return spans.values().stream().anyMatch(s -> s.count > 1);
        }
    }

    /** Where {@link #unacked} starts reading: everything before it is acknowledged. */
    private record Cursor(long segment, long offset, EntryCodec.State state) {
    }

    private final Path dir;
    private final long segmentBytes;
    private final long maxBytes;
    private final TreeMap<Long, Segment> segments = new TreeMap<>();
    private final Map<UUID, Long> acked = new HashMap<>();
    /** The last entry of every zone the journal still knows of (live, or ended and not yet pruned). */
    private final Map<UUID, UsageEntry> latest = new HashMap<>();
    private final AtomicLong thinned = new AtomicLong();
    private final Recovery recovery;
    private Segment active;
    private FileChannel writer;
    private EntryCodec.State writerState;
    private Cursor cursor;
    private long checkpointBytes;
    private long acksBytes;
    private boolean boundWarned;
    private boolean closed;
    private final FileChannel lockFile;

    private UsageJournal(Path dir, long segmentBytes, long maxBytes) {
        this.dir = dir;
        this.segmentBytes = segmentBytes;
        this.maxBytes = maxBytes;
        this.lockFile = lock(dir);
        try {
            this.recovery = recover();
        } catch (RuntimeException e) {
            closeQuietly(lockFile);
            throw e;
        }
    }

    /** One writer per journal: a second agent on the same state dir would interleave its segments. */
    private static FileChannel lock(Path dir) {
        FileChannel ch = null;
        try {
            Files.createDirectories(dir);
            ch = FileChannel.open(dir.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            if (ch.tryLock() == null) {
                throw new IllegalStateException("the usage journal " + dir + " is in use by another process");
            }
            return ch;
        } catch (java.nio.channels.OverlappingFileLockException e) {
            closeQuietly(ch);
            throw new IllegalStateException("the usage journal " + dir + " is already open in this process");
        } catch (IOException e) {
            closeQuietly(ch);
            throw new UncheckedIOException("cannot lock the usage journal " + dir, e);
        } catch (RuntimeException e) {
            closeQuietly(ch);
            throw e;
        }
    }

    private static void closeQuietly(FileChannel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException e) {
                // nothing more to do
            }
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
            undoPartialWrite();
            throw new UncheckedIOException("cannot write the usage journal " + active.path, e);
        }
        writerState = next;
        active.size += length;
        for (UsageEntry e : entries) {
            active.add(e);
            keepLatest(e);
        }
        if (active.size >= segmentBytes) {
            seal();
        }
        try {
            enforceBound();
        } catch (RuntimeException e) {
            // the entries are on disk: the append succeeded (throwing would make the caller reuse their seqs)
            LOG.error("usage journal {}: cannot keep within its bound of {} bytes: {}", dir, maxBytes, e.toString());
        }
    }

    /** Up to {@code limit} entries not yet acknowledged, in journal order. */
    public synchronized List<UsageEntry> unacked(int limit) {
        requireOpen();
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
                        if (e.seq() > acked.getOrDefault(e.zone(), 0L)) {
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

    /**
     * Records what metering stored (durably) and deletes the segments now wholly acknowledged.
     * Returns the zones whose final record is now acknowledged: the meter may forget them.
     */
    public synchronized Set<UUID> acknowledge(UsageAck ack) {
        requireOpen();
        boolean changed = false;
        for (UsageAck.Stored s : ack.acked()) {
            if (s.through() > acked.getOrDefault(s.zone(), 0L)) {
                acked.put(s.zone(), s.through());
                changed = true;
            }
        }
        if (!changed) {
            return Set.of();
        }
        writeAcks();
        Set<UUID> ended = new HashSet<>();
        for (UsageAck.Stored s : ack.acked()) {
            UsageEntry last = latest.get(s.zone());
            if (last != null && last.record().last() && last.seq() <= acked.get(s.zone())) {
                ended.add(s.zone());
            }
        }
        compact();
        return ended;
    }

    /** The last entry of every zone the meter should resume (zones whose final record is acknowledged are left out). */
    public synchronized List<UsageEntry> resumable() {
        List<UsageEntry> out = new ArrayList<>();
        for (UsageEntry e : latest.values()) {
            long ack = acked.getOrDefault(e.zone(), 0L);
            if (e.record().last() && e.seq() <= ack) {
                continue;
            }
            if (ack > e.seq()) {
                // metering stored records this journal no longer has (a damaged segment was cut): never reuse a seq
                LOG.warn("zone {}: metering acknowledged seq {} but the journal's last entry is {}; resuming after {}",
                        e.zone(), ack, e.seq(), ack);
                e = withSeq(e, ack);
            }
            out.add(e);
        }
        return out;
    }

    /** The highest acknowledged seq of a zone, 0 if none. */
    public synchronized long acked(UUID zone) {
        return acked.getOrDefault(zone, 0L);
    }

    /** Bytes on disk: segments, checkpoint and acknowledgements. */
    public synchronized long bytes() {
        long total = checkpointBytes + acksBytes;
        for (Segment s : segments.values()) {
            total += s.size;
        }
        return total;
    }

    /** How many entries are not yet acknowledged (exact unless a thinned segment is partly acknowledged). */
    public synchronized long backlog() {
        long n = 0;
        for (Segment s : segments.values()) {
            for (Map.Entry<UUID, Span> z : s.spans.entrySet()) {
                n += z.getValue().unacked(acked.getOrDefault(z.getKey(), 0L));
            }
        }
        return n;
    }

    public synchronized int segmentCount() {
        return segments.size();
    }

    /** Entries dropped by thinning since the journal was opened. */
    public long thinnedEntries() {
        return thinned.get();
    }

    /** Every entry still in the segments, acknowledged or not, in journal order (for diagnostics and tests). */
    public synchronized List<UsageEntry> readAll() {
        List<UsageEntry> out = new ArrayList<>();
        for (Segment seg : segments.values()) {
            out.addAll(readSegment(seg).stream().flatMap(List::stream).toList());
        }
        return out;
    }

    /**
     * Every entry of the segments in {@code dir}, in journal order, read without changing anything
     * (no recovery, no truncation): safe while another process writes the journal. Each segment is
     * read up to its first incomplete or damaged frame.
     */
    public static List<UsageEntry> peek(Path dir) {
        List<UsageEntry> out = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> found = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
            found.forEach(files::add);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the usage journal " + dir, e);
        }
        files.sort(null);
        for (Path file : files) {
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
                long size = ch.size();
                if (size < Frames.HEADER || !Frames.hasMagic(ch, SEGMENT_MAGIC)) {
                    continue;
                }
                EntryCodec.State state = new EntryCodec.State();
                long pos = Frames.HEADER;
                while (true) {
                    Frames.Frame f = Frames.read(ch, pos, size);
                    if (f.status() != Frames.Status.OK) {
                        break;
                    }
                    out.addAll(EntryCodec.decode(state, f.payload()));
                    pos = f.next();
                }
            } catch (java.nio.file.NoSuchFileException e) {
                // deleted by compaction meanwhile: its entries were acknowledged
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file, e);
            }
        }
        return out;
    }

    /** The checkpoint's entries (for diagnostics and tests). */
    public synchronized Collection<UsageEntry> checkpoint() {
        return readCheckpoint().values();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        closeWriter();
        closeQuietly(lockFile); // releases the lock
    }

    // ---- writing ----

    private void ensureActive() throws IOException {
        if (active != null) {
            return;
        }
        long id = segments.isEmpty() ? 1 : segments.lastKey() + 1;
        Path path = dir.resolve(String.format("%020d%s", id, SUFFIX));
        FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, StandardOpenOption.READ);
        try {
            Frames.writeFully(ch, ByteBuffer.wrap(SEGMENT_MAGIC), 0);
            ch.force(true);
            forceDir();
        } catch (IOException e) {
            ch.close();
            Files.deleteIfExists(path);
            throw e;
        }
        writer = ch;
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

    private void seal() {
        closeWriter();
        if (active != null && active.entries == 0) {
            segments.remove(active.id);
            deleteQuietly(active.path);
        }
        active = null;
    }

    private void closeWriter() {
        if (writer != null) {
            try {
                writer.close();
            } catch (IOException e) {
                LOG.warn("cannot close {}: {}", active == null ? dir : active.path, e.toString());
            }
            writer = null;
        }
    }

    private void keepLatest(UsageEntry e) {
        latest.merge(e.zone(), e, (old, added) -> added.seq() > old.seq() ? added : old);
    }

    // ---- compaction and bound ----

    private void compact() {
        List<Segment> done = new ArrayList<>();
        for (Segment s : segments.values()) {
            if (s != active && s.spans.entrySet().stream().allMatch(z -> z.getValue().maxSeq <= acked.getOrDefault(z.getKey(), 0L))) {
                done.add(s);
            }
        }
        if (done.isEmpty()) {
            return;
        }
        writeCheckpoint(); // first, so the zones' last entries survive their segments
        for (Segment s : done) {
            segments.remove(s.id);
            deleteQuietly(s.path);
        }
        forceDirQuietly();
        pruneEndedZones();
    }

    /** Forgets zones whose final record is acknowledged and which no segment holds any more. */
    private void pruneEndedZones() {
        Set<UUID> inSegments = new HashSet<>();
        segments.values().forEach(s -> inSegments.addAll(s.spans.keySet()));
        List<UUID> gone = new ArrayList<>();
        for (UsageEntry e : latest.values()) {
            if (e.record().last() && e.seq() <= acked.getOrDefault(e.zone(), 0L) && !inSegments.contains(e.zone())) {
                gone.add(e.zone());
            }
        }
        if (gone.isEmpty()) {
            return;
        }
        gone.forEach(latest::remove);
        writeCheckpoint();
        gone.forEach(acked::remove);
        writeAcks();
    }

    private void enforceBound() {
        while (bytes() > maxBytes) {
            Segment victim = null;
            for (Segment s : segments.values()) {
                if (s != active && s.thinnable()) {
                    victim = s;
                    break;
                }
            }
            if (victim == null) {
                if (active != null && active.thinnable()) {
                    seal();
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
        List<List<UsageEntry>> frames = readSegment(seg);
        Map<UUID, Integer> remaining = new HashMap<>();
        for (List<UsageEntry> f : frames) {
            for (UsageEntry e : f) {
                remaining.merge(e.zone(), 1, Integer::sum);
            }
        }
        // walk forwards; "after" counts the zone's entries still to come in this segment
        List<List<UsageEntry>> kept = new ArrayList<>();
        long before = 0;
        long after = 0;
        for (List<UsageEntry> f : frames) {
            List<UsageEntry> k = new ArrayList<>();
            for (UsageEntry e : f) {
                before++;
                int toCome = remaining.merge(e.zone(), -1, Integer::sum);
                boolean lastInSegment = toCome == 0;
                boolean isAcked = e.seq() <= acked.getOrDefault(e.zone(), 0L);
                if (lastInSegment || (!isAcked && toCome % 2 == 0)) {
                    k.add(e);
                }
            }
            if (!k.isEmpty()) {
                kept.add(k);
                after += k.size();
            }
        }
        Path tmp = seg.path.resolveSibling(seg.path.getFileName() + ".tmp");
        Segment rewritten = new Segment(seg.id, seg.path, Frames.HEADER);
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            Frames.writeFully(ch, ByteBuffer.wrap(SEGMENT_MAGIC), 0);
            EntryCodec.State state = new EntryCodec.State();
            for (List<UsageEntry> f : kept) {
                ByteBuffer frame = Frames.frame(EntryCodec.encode(state, f));
                int n = frame.remaining();
                Frames.writeFully(ch, frame, rewritten.size);
                rewritten.size += n;
                f.forEach(rewritten::add);
            }
            ch.force(true);
        } catch (IOException e) {
            deleteQuietly(tmp);
            throw new UncheckedIOException("cannot thin the usage journal segment " + seg.path, e);
        }
        try {
            Files.move(tmp, seg.path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            deleteQuietly(tmp);
            throw new UncheckedIOException("cannot replace " + seg.path, e);
        }
        forceDirQuietly();
        long oldSize = seg.size;
        seg.size = rewritten.size;
        seg.entries = rewritten.entries;
        seg.spans = rewritten.spans;
        if (cursor != null && cursor.segment() == seg.id) {
            cursor = null;
        }
        thinned.addAndGet(before - after);
        LOG.warn("usage journal above its bound of {} bytes: thinned segment {} from {} to {} entries ({} to {} bytes); "
                + "totals are kept, per-second resolution of those records is lost", maxBytes, seg.path.getFileName(),
                before, after, oldSize, seg.size);
    }

    // ---- recovery ----

    private Recovery recover() {
        try {
            Files.createDirectories(dir);
            try (DirectoryStream<Path> tmps = Files.newDirectoryStream(dir, "*.tmp")) {
                for (Path t : tmps) {
                    Files.delete(t); // an interrupted thinning or checkpoint: the original is intact
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the usage journal " + dir, e);
        }
        acked.putAll(readAcks());
        latest.putAll(readCheckpoint());
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> found = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
            found.forEach(files::add);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the usage journal " + dir, e);
        }
        files.sort(null);
        long entries = 0;
        long truncated = 0;
        for (Path file : files) {
            long id;
            try {
                id = Long.parseLong(file.getFileName().toString().replace(SUFFIX, ""));
            } catch (NumberFormatException e) {
                LOG.warn("usage journal {}: ignoring a stray file {}", dir, file.getFileName());
                continue;
            }
            Segment seg = new Segment(id, file, Frames.HEADER);
            truncated += scan(seg);
            if (seg.entries == 0) {
                deleteQuietly(file);
                continue;
            }
            segments.put(id, seg);
            entries += seg.entries;
        }
        forceDirQuietly();
        compact();
        return new Recovery(segments.size(), entries, truncated, latest.size(), backlog());
    }

    /** Reads a segment, cutting off a torn or damaged tail; returns the bytes cut. */
    private long scan(Segment seg) {
        try (FileChannel ch = FileChannel.open(seg.path, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long size = ch.size();
            if (size < Frames.HEADER || !Frames.hasMagic(ch, SEGMENT_MAGIC)) {
                LOG.warn("usage journal segment {} has no valid header ({} bytes): dropped", seg.path.getFileName(), size);
                return size;
            }
            long pos = Frames.HEADER;
            EntryCodec.State state = new EntryCodec.State();
            while (true) {
                Frames.Frame f = Frames.read(ch, pos, size);
                if (f.status() == Frames.Status.END) {
                    break;
                }
                List<UsageEntry> decoded = null;
                if (f.status() == Frames.Status.OK) {
                    try {
                        decoded = EntryCodec.decode(state, f.payload());
                    } catch (EntryCodec.MalformedEntryException e) {
                        LOG.warn("usage journal segment {}: undecodable frame at byte {}: {}", seg.path.getFileName(), pos, e.getMessage());
                    }
                }
                if (decoded == null) {
                    LOG.warn("usage journal segment {}: {} frame at byte {}; cutting {} bytes off (never acknowledged "
                            + "as written, so never shipped)", seg.path.getFileName(),
                            f.status() == Frames.Status.TORN ? "torn" : "damaged", pos, size - pos);
                    ch.truncate(pos);
                    ch.force(true);
                    seg.size = pos;
                    return size - pos;
                }
                for (UsageEntry e : decoded) {
                    seg.add(e);
                    keepLatest(e);
                }
                pos = f.next();
            }
            seg.size = pos;
            return 0;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot recover the usage journal segment " + seg.path, e);
        }
    }

    private List<List<UsageEntry>> readSegment(Segment seg) {
        List<List<UsageEntry>> frames = new ArrayList<>();
        try (FileChannel ch = FileChannel.open(seg.path, StandardOpenOption.READ)) {
            long pos = Frames.HEADER;
            EntryCodec.State state = new EntryCodec.State();
            while (pos < seg.size) {
                Frames.Frame f = Frames.read(ch, pos, seg.size);
                if (f.status() != Frames.Status.OK) {
                    throw new IllegalStateException("usage journal segment " + seg.path + " is damaged at byte " + pos);
                }
                frames.add(EntryCodec.decode(state, f.payload()));
                pos = f.next();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the usage journal " + seg.path, e);
        }
        return frames;
    }

    // ---- checkpoint and acknowledgements ----

    private void writeCheckpoint() {
        byte[] file = Frames.file(CHECKPOINT_MAGIC, EntryCodec.encode(new EntryCodec.State(), new ArrayList<>(latest.values())));
        DurableFiles.write(dir.resolve("checkpoint"), file);
        checkpointBytes = file.length;
    }

    private Map<UUID, UsageEntry> readCheckpoint() {
        Map<UUID, UsageEntry> entries = new HashMap<>();
        byte[] payload = readSmallFile("checkpoint", CHECKPOINT_MAGIC);
        if (payload != null) {
            try {
                for (UsageEntry e : EntryCodec.decode(new EntryCodec.State(), payload)) {
                    entries.put(e.zone(), e);
                }
            } catch (EntryCodec.MalformedEntryException e) {
                LOG.error("usage journal {}: the checkpoint does not decode ({}); zones whose segments are all gone "
                        + "will start again from seq 1", dir, e.getMessage());
            }
        }
        return entries;
    }

    private void writeAcks() {
        EntryCodec.Out out = new EntryCodec.Out(16 + acked.size() * 24);
        out.varint(acked.size());
        acked.forEach((zone, through) -> {
            out.uuid(zone);
            out.varint(through);
        });
        byte[] file = Frames.file(ACKS_MAGIC, out.toArray());
        DurableFiles.write(dir.resolve("acks"), file);
        acksBytes = file.length;
    }

    private Map<UUID, Long> readAcks() {
        Map<UUID, Long> read = new HashMap<>();
        byte[] payload = readSmallFile("acks", ACKS_MAGIC);
        if (payload != null) {
            try {
                EntryCodec.In in = new EntryCodec.In(payload);
                long n = in.varint();
                for (long i = 0; i < n; i++) {
                    read.put(in.uuid(), in.varint());
                }
            } catch (EntryCodec.MalformedEntryException e) {
                LOG.warn("usage journal {}: the acknowledgements do not decode ({}); unacknowledged records will be "
                        + "sent again, which metering ignores", dir, e.getMessage());
                read.clear();
            }
        }
        return read;
    }

    private byte[] readSmallFile(String name, byte[] magic) {
        Path file = dir.resolve(name);
        if (!Files.exists(file)) {
            return null;
        }
        try {
            byte[] bytes = Files.readAllBytes(file);
            if (name.equals("checkpoint")) {
                checkpointBytes = bytes.length;
            } else {
                acksBytes = bytes.length;
            }
            byte[] payload = Frames.payloadOf(magic, bytes);
            if (payload == null) {
                LOG.error("usage journal {}: {} is damaged and ignored", dir, name);
            }
            return payload;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    // ---- small helpers ----

    private static UsageEntry withSeq(UsageEntry e, long seq) {
        UsageRecord r = e.record();
        return new UsageEntry(new UsageRecord(r.zone(), seq, r.tenant(), r.node(), r.packageName(), r.timeMillis(),
                r.runningMillis(), r.cpuNanos(), r.memoryBytes(), r.memoryPeakBytes(), r.memoryByteSeconds(), r.diskUsedBytes(),
                r.diskByteSeconds(), r.netRxBytes(), r.netTxBytes(), r.oomKills(), r.forksRefused(), r.last()),
                e.incarnation(), e.raw(), e.memoryByteMillisRemainder(), e.diskByteMillisRemainder());
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("the usage journal " + dir + " is closed");
        }
    }

    private void forceDir() throws IOException {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        }
    }

    private void forceDirQuietly() {
        try {
            forceDir();
        } catch (IOException e) {
            LOG.warn("cannot sync the directory {}: {}", dir, e.toString());
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warn("cannot delete {}: {}", file, e.toString());
        }
    }
}
