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
 * File-system chores of the usage journal's directory: its lock, directory syncs and quiet deletes.
 * Logs under {@link UsageJournal}'s name, as every part of the journal does, so one logger setting
 * covers it.
 */
final class JournalFiles {
    private static final Logger LOG = LoggerFactory.getLogger(UsageJournal.class);

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
