package io.gantry.agent.image;

import io.gantry.common.GantryException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Reads an image tarball entry by entry before anything of it is unpacked, and refuses one that is
 * not a tar archive or whose entries would land outside the image's root: absolute names, names
 * with {@code ..}, entries written through a symbolic link of the archive, hard links to anything
 * outside it, and symbolic links whose relative target climbs out of the root ({@link LayerTree}
 * judges the entries). Absolute link targets are fine: the zone reads them inside its own root.
 */
final class TarballCheck {
    private final String shownAs;
    private final LayerTree tree;

    private TarballCheck(String shownAs) {
        this.shownAs = shownAs;
        this.tree = new LayerTree(shownAs, false);
    }

    /** Throws InvalidArgument with the reason if {@code tarball} (shown to the user as {@code shownAs}) is not safe to unpack. */
    static void requireSafe(Path tarball, String shownAs) {
        new TarballCheck(shownAs).scan(tarball);
    }

    private void scan(Path tarball) {
        Compression compression;
        try {
            compression = Compression.of(tarball);
        } catch (IOException e) {
            throw GantryException.invalid("cannot read " + shownAs + ": " + e.getMessage());
        }
        Process decompressor = compression.start(tarball);
        try {
            try (InputStream raw = decompressor == null ? Files.newInputStream(tarball) : decompressor.getInputStream();
                 TarArchiveInputStream tar = new TarArchiveInputStream(new BufferedInputStream(raw))) {
                int entries = 0;
                for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
                    tree.entry(e);
                    entries++;
                }
                if (entries == 0) {
                    throw notATar("it holds no entries");
                }
                raw.transferTo(OutputStream.nullOutputStream()); // the decompressor may still be writing the archive's padding
            } catch (IOException | IllegalArgumentException e) {
                throw notATar(e.getMessage());
            }
            if (decompressor != null && waitFor(decompressor) != 0) {
                throw notATar(compression.program() + " cannot decompress it");
            }
        } finally {
            if (decompressor != null) {
                decompressor.destroy();
            }
        }
    }

    private GantryException notATar(String why) {
        return GantryException.invalid(shownAs + " is not a tar archive (plain, gzip, xz, zstd or bzip2): " + why);
    }

    private static int waitFor(Process p) {
        try {
            return p.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw GantryException.internal("interrupted while reading an image tarball");
        }
    }

}
