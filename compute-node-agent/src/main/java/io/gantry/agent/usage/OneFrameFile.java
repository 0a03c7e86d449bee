package io.gantry.agent.usage;

import io.gantry.agent.host.DurableFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One of the journal's small files ({@code acks}, {@code checkpoint}): an 8-byte magic and one frame,
 * replaced durably as a whole. Remembers its size on disk, which counts towards the journal's bound.
 */
final class OneFrameFile {
    private static final Logger LOG = LoggerFactory.getLogger(UsageJournal.class);

    private final Path dir;
    private final String name;
    private final byte[] magic;
    private long size;

    OneFrameFile(Path dir, String name, String magic) {
        this.dir = dir;
        this.name = name;
        this.magic = Frames.magic(magic);
    }

    /** The payload; null if there is no file or it is damaged (which is logged). */
    byte[] read() {
        Path file = dir.resolve(name);
        if (!Files.exists(file)) {
            return null;
        }
        try {
            byte[] bytes = Files.readAllBytes(file);
            size = bytes.length;
            byte[] payload = Frames.payloadOf(magic, bytes);
            if (payload == null) {
                LOG.error("usage journal {}: {} is damaged and ignored", dir, name);
            }
            return payload;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    void write(byte[] payload) {
        byte[] file = Frames.file(magic, payload);
        DurableFiles.write(dir.resolve(name), file);
        size = file.length;
    }

    Path dir() {
        return dir;
    }

    long size() {
        return size;
    }
}
