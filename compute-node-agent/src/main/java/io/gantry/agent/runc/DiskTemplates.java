package io.gantry.agent.runc;

import io.gantry.agent.host.Cmd;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One freshly formatted, never mounted ext4 image per disk size, made once by the {@code mkfs.ext4} a zone's disk
 * always had, but with the inode tables and the journal zeroed at once ({@code lazy_itable_init=0,
 * lazy_journal_init=0}). A zone's disk is a sparse copy of it ({@code cp --sparse=always} turns the zeros into holes):
 * about 600 KiB written in a few milliseconds where mkfs wrote 33 MiB in 25–60 ms, and, as the inode tables are marked
 * zeroed, no ext4lazyinit thread writes another 16 MiB per 1 GiB disk in the background after the mount. Every copy
 * has the template's filesystem UUID; nothing here looks filesystems up by UUID.
 */
final class DiskTemplates {
    private static final long MiB = 1024 * 1024;
    private final Path dir;
    private final ConcurrentHashMap<Long, Path> made = new ConcurrentHashMap<>();

    DiskTemplates(Path dir) {
        this.dir = dir;
    }

    /** Copies the template of {@code sizeMiB} (made first if missing) to {@code target}, flushed to disk. */
    void copyTo(long sizeMiB, Path target) {
        Path template = made.computeIfAbsent(sizeMiB, this::ensure);
        Cmd.check("cp", "--sparse=always", template.toString(), target.toString());
        force(target);
    }

    /** Removes every template (the node leaves). */
    void removeAll() {
        made.clear();
        Cmd.run("rm", "-rf", "--one-file-system", dir.toString());
    }

    private Path ensure(long sizeMiB) {
        Path template = dir.resolve(sizeMiB + "M.ext4");
        if (Files.isRegularFile(template)) {
            return template; // only ever renamed into place whole
        }
        try {
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, sizeMiB + "M", ".tmp");
            try (RandomAccessFile f = new RandomAccessFile(tmp.toFile(), "rw")) {
                f.setLength(Math.multiplyExact(sizeMiB, MiB)); // sparse: blocks are allocated only when written
            }
            Cmd.check("mkfs.ext4", "-q", "-F", "-m", "0", "-E", "nodiscard,lazy_itable_init=0,lazy_journal_init=0", tmp.toString());
            force(tmp);
            Files.move(tmp, template, StandardCopyOption.ATOMIC_MOVE);
            return template;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void force(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.force(true);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
