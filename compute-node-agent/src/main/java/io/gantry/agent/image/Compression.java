package io.gantry.agent.image;

import io.gantry.common.ErrorCode;
import io.gantry.common.GantryException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * How an image tarball is compressed, told by its first bytes as GNU tar tells it, and the same
 * decompressor tar runs to unpack it.
 */
enum Compression {
    NONE(new byte[0], null),
    GZIP(new byte[] {0x1f, (byte) 0x8b}, "gzip"),
    XZ(new byte[] {(byte) 0xfd, '7', 'z', 'X', 'Z', 0}, "xz"),
    ZSTD(new byte[] {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd}, "zstd"),
    BZIP2(new byte[] {'B', 'Z', 'h'}, "bzip2");

    private final byte[] magic;
    private final String program;

    Compression(byte[] magic, String program) {
        this.magic = magic;
        this.program = program;
    }

    static Compression of(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return of(in.readNBytes(6));
        }
    }

    /** Told from the first (up to 6) bytes of the data. */
    static Compression of(byte[] head) {
        for (Compression c : values()) {
            if (c != NONE && head.length >= c.magic.length && Arrays.equals(head, 0, c.magic.length, c.magic, 0, c.magic.length)) {
                return c;
            }
        }
        return NONE;
    }

    /** The program that decompresses it, or null for a plain tar. */
    String program() {
        return program;
    }

    /** Starts the decompressor writing the plain tar to its stdout; null for a plain tar. */
    Process start(Path file) {
        if (program == null) {
            return null;
        }
        try {
            return new ProcessBuilder(List.of(program, "-d", "-c", file.toAbsolutePath().toString()))
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
        } catch (IOException e) {
            throw new GantryException(ErrorCode.InternalError, "cannot run " + program + " to read a " + name().toLowerCase()
                    + " tarball (apt-get install " + program + "): " + e.getMessage());
        }
    }
}
