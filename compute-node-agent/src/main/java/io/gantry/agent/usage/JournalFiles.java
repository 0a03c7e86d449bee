package io.gantry.agent.usage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * File-system chores of the usage journal's directory: its lock, directory syncs, quiet deletes and
 * the small one-frame files ({@code acks}, {@code checkpoint}). Logs under {@link UsageJournal}'s
 * name, as every part of the journal does, so one logger setting covers it.
 */
final class JournalFiles {
    private static final Logger LOG = LoggerFactory.getLogger(UsageJournal.class);

    /** A small file's size on disk and its payload (null if damaged). */
    record SmallFile(long size, byte[] payload) {
    }

    private JournalFiles() {
    }

    /** One writer per journal: a second agent on the same state dir would interleave its segments. */
    static FileChannel lock(Path dir) {
        FileChannel ch = null;
        try {
            Files.createDirectories(dir);
            ch = FileChannel.open(dir.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            if (ch.tryLock() == null) {
                throw new IllegalStateException("the usage journal " + dir + " is in use by another process");
            }
            return ch;
        } catch (OverlappingFileLockException e) {
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

    /** Creates the directory if need be and deletes what an interrupted rewrite left ({@code *.tmp}). */
    static void prepare(Path dir) {
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
    }

    /** Reads {@code dir/name}, a file of {@code magic} and one frame; null if there is no such file. */
    static SmallFile readSmall(Path dir, String name, byte[] magic) {
        Path file = dir.resolve(name);
        if (!Files.exists(file)) {
            return null;
        }
        try {
            byte[] bytes = Files.readAllBytes(file);
            byte[] payload = Frames.payloadOf(magic, bytes);
            if (payload == null) {
                LOG.error("usage journal {}: {} is damaged and ignored", dir, name);
            }
            return new SmallFile(bytes.length, payload);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    static void closeQuietly(FileChannel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException e) {
                // nothing more to do
            }
        }
    }

    static void forceDir(Path dir) throws IOException {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        }
    }

    static void forceDirQuietly(Path dir) {
        try {
            forceDir(dir);
        } catch (IOException e) {
            LOG.warn("cannot sync the directory {}: {}", dir, e.toString());
        }
    }

    static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warn("cannot delete {}: {}", file, e.toString());
        }
    }
}
