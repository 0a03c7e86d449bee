package io.gantry.agent.image;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * Writes tar archives entry by entry, hostile ones included (absolute names, '..', links out of
 * the root), which GNU tar will not create from a directory tree.
 */
public final class TestTarball {
    private final List<Consumer<TarArchiveOutputStream>> entries = new ArrayList<>();

    /** The least a zone's root needs: the kernel's mount points, /bin/sh and sleep. */
    public static TestTarball zoneRoot() {
        return new TestTarball().dir(".").dir("bin").dir("dev").dir("proc").dir("sys").dir("etc")
                .file("bin/sh", "#!fake shell\n", 0755).file("bin/sleep", "#!fake sleep\n", 0755);
    }

    public TestTarball dir(String name) {
        return add(new TarArchiveEntry(name.endsWith("/") ? name : name + "/", true), null);
    }

    public TestTarball file(String name, String content, int mode) {
        TarArchiveEntry e = new TarArchiveEntry(name, true);
        e.setMode(mode);
        return add(e, content.getBytes(StandardCharsets.UTF_8));
    }

    public TestTarball symlink(String name, String target) {
        TarArchiveEntry e = new TarArchiveEntry(name, TarConstants.LF_SYMLINK, true);
        e.setLinkName(target);
        return add(e, null);
    }

    public TestTarball hardlink(String name, String target) {
        TarArchiveEntry e = new TarArchiveEntry(name, TarConstants.LF_LINK, true);
        e.setLinkName(target);
        return add(e, null);
    }

    public TestTarball entry(String name, byte type) {
        return add(new TarArchiveEntry(name, type, true), null);
    }

    private TestTarball add(TarArchiveEntry e, byte[] content) {
        entries.add(out -> {
            try {
                if (content != null) {
                    e.setSize(content.length);
                }
                out.putArchiveEntry(e);
                if (content != null) {
                    out.write(content);
                }
                out.closeArchiveEntry();
            } catch (IOException ex) {
                throw new java.io.UncheckedIOException(ex);
            }
        });
        return this;
    }

    public Path write(Path file) throws IOException {
        try (OutputStream os = Files.newOutputStream(file); TarArchiveOutputStream out = new TarArchiveOutputStream(os)) {
            out.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            entries.forEach(e -> e.accept(out));
        }
        return file;
    }

    /** The archive's bytes. */
    public byte[] bytes() {
        java.io.ByteArrayOutputStream os = new java.io.ByteArrayOutputStream();
        try (TarArchiveOutputStream out = new TarArchiveOutputStream(os)) {
            out.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            entries.forEach(e -> e.accept(out));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return os.toByteArray();
    }
}
