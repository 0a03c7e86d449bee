package io.gantry.agent.runc;

import io.gantry.agent.host.Cmd;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One freshly formatted, never mounted ext4 image per disk size, made once by the {@code mkfs.ext4} a zone's disk
 * always had, but with the inode tables and the journal zeroed at once ({@code lazy_itable_init=0,
 * lazy_journal_init=0}). A zone's disk is a sparse copy of it (the zeros become holes, as with {@code cp --sparse=always}):
 * about 600 KiB written in a few milliseconds where mkfs wrote 33 MiB in 25–60 ms, and, as the inode tables are marked
 * zeroed, no ext4lazyinit thread writes another 16 MiB per 1 GiB disk in the background after the mount. Every copy
 * has the template's filesystem UUID; nothing here looks filesystems up by UUID.
 */
final class DiskTemplates {
    private static final long MiB = 1024 * 1024;
    private final Path dir;
    private final DiskTool tool;
    private final ConcurrentHashMap<Long, Path> made = new ConcurrentHashMap<>();

    DiskTemplates(Path dir, DiskTool tool) {
        this.dir = dir;
        this.tool = tool;
    }

    /** The formatted template of {@code sizeMiB}, made first if missing; a zone's disk is a sparse copy of it. */
    Path template(long sizeMiB) {
        return made.computeIfAbsent(sizeMiB, this::ensure);
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
            Path formatted = Files.createTempFile(dir, sizeMiB + "M", ".mkfs");
            try {
                try (RandomAccessFile f = new RandomAccessFile(formatted.toFile(), "rw")) {
                    f.setLength(Math.multiplyExact(sizeMiB, MiB)); // sparse: blocks are allocated only when written
                }
                Cmd.check("mkfs.ext4", "-q", "-F", "-m", "0", "-E", "nodiscard,lazy_itable_init=0,lazy_journal_init=0",
                        formatted.toString());
                // the template is itself a sparse copy, its zeroed journal and inode tables holes, so that a zone's
                // copy of it reads ~600 KiB, not the ~50 MiB mkfs wrote
                Path tmp = dir.resolve(formatted.getFileName() + ".tmp");
                tool.run(new DiskTool.Steps().copy(formatted, tmp));
                Files.move(tmp, template, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(formatted);
            }
            return template;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
