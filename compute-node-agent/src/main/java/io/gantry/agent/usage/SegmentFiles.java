package io.gantry.agent.usage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The segment files' format and the whole-file operations on them: a segment is
 * {@code <20-digit id>.seg}, the magic {@code GZUSAGE1} and frames of {@link EntryCodec binary entries},
 * each frame's codec state following from the previous one's.
 */
final class SegmentFiles {
    private static final Logger LOG = LoggerFactory.getLogger(UsageJournal.class);
    static final byte[] MAGIC = Frames.magic("GZUSAGE1");
    static final String SUFFIX = ".seg";

    private SegmentFiles() {
    }

    static Path pathOf(Path dir, long id) {
        return dir.resolve(String.format("%020d%s", id, SUFFIX));
    }

    /** The segment files in {@code dir}, oldest first. */
    static List<Path> list(Path dir) {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> found = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
            found.forEach(files::add);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the usage journal " + dir, e);
        }
        files.sort(null);
        return files;
    }

    /** A new, empty segment file (magic only, synced with its directory), open for writing. */
    static FileChannel create(Path dir, Path path) throws IOException {
        FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, StandardOpenOption.READ);
        try {
            Frames.writeFully(ch, ByteBuffer.wrap(MAGIC), 0);
            ch.force(true);
            JournalFiles.forceDir(dir);
        } catch (IOException e) {
            ch.close();
            Files.deleteIfExists(path);
            throw e;
        }
        return ch;
    }

    /**
     * Reads a segment into {@code seg}, handing every entry to {@code found} and cutting a torn or
     * damaged tail off the file; returns the bytes cut.
     */
    static long scan(Segment seg, Consumer<UsageEntry> found) {
        try (FileChannel ch = FileChannel.open(seg.path, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long size = ch.size();
            if (size < Frames.HEADER || !Frames.hasMagic(ch, MAGIC)) {
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
                    found.accept(e);
                }
                pos = f.next();
            }
            seg.size = pos;
            return 0;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot recover the usage journal segment " + seg.path, e);
        }
    }

    /** A recovered segment's frames, each as its entries. */
    static List<List<UsageEntry>> read(Segment seg) {
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

    /** See {@link UsageJournal#peek}. */
    static List<UsageEntry> peek(Path dir) {
        List<UsageEntry> out = new ArrayList<>();
        for (Path file : list(dir)) {
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
                long size = ch.size();
                if (size < Frames.HEADER || !Frames.hasMagic(ch, MAGIC)) {
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
            } catch (NoSuchFileException e) {
                // deleted by compaction meanwhile: its entries were acknowledged
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file, e);
            }
        }
        return out;
    }

    /**
     * Replaces {@code seg}'s file, atomically, by one holding just {@code frames}; returns what the new
     * file holds ({@code seg} itself is left as it was).
     */
    static Segment rewrite(Segment seg, List<List<UsageEntry>> frames) {
        Path tmp = seg.path.resolveSibling(seg.path.getFileName() + ".tmp");
        Segment rewritten = new Segment(seg.id, seg.path, Frames.HEADER);
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            Frames.writeFully(ch, ByteBuffer.wrap(MAGIC), 0);
            EntryCodec.State state = new EntryCodec.State();
            for (List<UsageEntry> f : frames) {
                ByteBuffer frame = Frames.frame(EntryCodec.encode(state, f));
                int n = frame.remaining();
                Frames.writeFully(ch, frame, rewritten.size);
                rewritten.size += n;
                f.forEach(rewritten::add);
            }
            ch.force(true);
        } catch (IOException e) {
            JournalFiles.deleteQuietly(tmp);
            throw new UncheckedIOException("cannot thin the usage journal segment " + seg.path, e);
        }
        try {
            Files.move(tmp, seg.path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            JournalFiles.deleteQuietly(tmp);
            throw new UncheckedIOException("cannot replace " + seg.path, e);
        }
        JournalFiles.forceDirQuietly(seg.path.getParent());
        return rewritten;
    }
}
