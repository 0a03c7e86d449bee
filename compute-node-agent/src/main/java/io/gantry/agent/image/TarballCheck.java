package io.gantry.agent.image;

import io.gantry.common.GantryException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * Reads an image tarball entry by entry before anything of it is unpacked, and refuses one that is
 * not a tar archive or whose entries would land outside the image's root: absolute names, names
 * with {@code ..}, entries written through a symbolic link of the archive, hard links to anything
 * outside it, and symbolic links whose relative target climbs out of the root. Absolute link
 * targets are fine: the zone reads them inside its own root.
 */
final class TarballCheck {
    /** Files (old, POSIX, contiguous, GNU sparse), directories, devices and FIFOs; links are checked apart. */
    private static final Set<Byte> ORDINARY_KINDS = Set.of(TarConstants.LF_OLDNORM, TarConstants.LF_NORMAL, TarConstants.LF_CONTIG,
            TarConstants.LF_GNUTYPE_SPARSE, TarConstants.LF_DIR, TarConstants.LF_CHR, TarConstants.LF_BLK, TarConstants.LF_FIFO);
    private final String shownAs;
    private final Set<String> names = new HashSet<>();
    private final Set<String> symlinks = new HashSet<>();

    private TarballCheck(String shownAs) {
        this.shownAs = shownAs;
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
                    check(e);
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

    private void check(TarArchiveEntry e) {
        String raw = e.getName();
        String name = relativeName(raw, "entry");
        if (name.isEmpty() && !e.isDirectory()) {
            throw refused("its root entry '" + raw + "' is not a directory");
        }
        requireNotThroughSymlink(name, "entry '" + raw + "'");
        if (e.isSymbolicLink()) {
            requireInside(name, e.getLinkName());
            symlinks.add(name);
        } else if (e.isLink()) {
            String target = relativeName(e.getLinkName(), "hard link '" + raw + "' to");
            requireNotThroughSymlink(target, "hard link '" + raw + "'");
            if (!names.contains(target)) {
                throw refused("hard link '" + raw + "' names '" + e.getLinkName() + "', which is not an earlier entry of the archive");
            }
            if (symlinks.contains(target)) {
                symlinks.add(name);
            }
        } else if (!ORDINARY_KINDS.contains(e.getLinkFlag())) {
            throw refused("entry '" + raw + "' is of a kind an image cannot hold (tar type '" + (char) e.getLinkFlag() + "')");
        }
        names.add(name);
    }

    /** The entry's path below the root, without "./" and trailing '/'; "" for the root itself. */
    private String relativeName(String raw, String what) {
        if (raw.startsWith("/")) {
            throw refused(what + " '" + raw + "' has an absolute path");
        }
        List<String> parts = new ArrayList<>();
        for (String part : raw.split("/")) {
            if (part.equals("..")) {
                throw refused(what + " '" + raw + "' contains '..'");
            }
            if (!part.isEmpty() && !part.equals(".")) {
                parts.add(part);
            }
        }
        return String.join("/", parts);
    }

    private void requireNotThroughSymlink(String name, String what) {
        for (int slash = name.indexOf('/'); slash > 0; slash = name.indexOf('/', slash + 1)) {
            if (symlinks.contains(name.substring(0, slash))) {
                throw refused(what + " would be written through the symbolic link '" + name.substring(0, slash) + "'");
            }
        }
    }

    /** A relative target is resolved from the link's directory and must not climb above the root. */
    private void requireInside(String link, String target) {
        if (target.isEmpty()) {
            throw refused("symbolic link '" + link + "' has no target");
        }
        if (target.startsWith("/")) {
            return;
        }
        int depth = link.split("/").length - 1;
        for (String part : target.split("/")) {
            if (part.equals("..")) {
                depth--;
                if (depth < 0) {
                    throw refused("symbolic link '" + link + "' -> '" + target + "' leads outside the image");
                }
            } else if (!part.isEmpty() && !part.equals(".")) {
                depth++;
            }
        }
    }

    private GantryException refused(String why) {
        return GantryException.invalid("refusing " + shownAs + ": " + why);
    }
}
