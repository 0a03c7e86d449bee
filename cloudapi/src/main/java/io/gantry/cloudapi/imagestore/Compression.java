package io.gantry.cloudapi.imagestore;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** An image file's compression as IMGAPI names it, from its first bytes: gzip, bzip2, xz, zstd or none. */
final class Compression {
    private Compression() {
    }

    static String of(Path file) {
        byte[] head;
        try (InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(6);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (starts(head, 0x1f, 0x8b)) {
            return "gzip";
        }
        if (starts(head, 'B', 'Z', 'h')) {
            return "bzip2";
        }
        if (starts(head, 0xfd, '7', 'z', 'X', 'Z', 0x00)) {
            return "xz";
        }
        if (starts(head, 0x28, 0xb5, 0x2f, 0xfd)) {
            return "zstd";
        }
        return "none";
    }

    private static boolean starts(byte[] head, int... magic) {
        if (head.length < magic.length) {
            return false;
        }
        for (int i = 0; i < magic.length; i++) {
            if ((head[i] & 0xff) != magic[i]) {
                return false;
            }
        }
        return true;
    }
}
