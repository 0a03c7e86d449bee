package io.gantry.agent.image;

import io.gantry.common.GantryException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * What the image's root holds after the layers seen so far (names and kinds only), so that each
 * entry of the next layer can be judged before anything is unpacked: absolute names, names with
 * {@code ..}, entries written through a symbolic link (of this layer or a lower one), hard links to
 * anything not in the root, and relative symbolic links that climb out of it are refused. Absolute
 * link targets are fine: the zone reads them inside its own root.
 *
 * <p>With whiteouts on (image layers), {@code .wh.NAME} removes NAME of the lower layers and
 * {@code .wh..wh..opq} hides everything the lower layers put in its directory; both become
 * {@link Removal}s to carry out on the unpacked lower layers before the layer is unpacked (tar
 * leaves the whiteout files out). A plain root filesystem tarball is one layer without whiteouts.
 */
final class LayerTree {
    static final String WHITEOUT = ".wh.";
    static final String OPAQUE = ".wh..wh..opq";
    /** Files (old, POSIX, contiguous, GNU sparse), devices and FIFOs; directories and links are told apart. */
    private static final Set<Byte> ORDINARY_KINDS = Set.of(TarConstants.LF_OLDNORM, TarConstants.LF_NORMAL, TarConstants.LF_CONTIG,
            TarConstants.LF_GNUTYPE_SPARSE, TarConstants.LF_CHR, TarConstants.LF_BLK, TarConstants.LF_FIFO);

    enum Kind { DIR, SYMLINK, OTHER }

    /** A path of the lower layers to remove (or, for a directory made opaque, to empty) before a layer is unpacked. */
    record Removal(String path, boolean contentsOnly) {
    }

    private final String shownAs;
    private final boolean whiteouts;
    private final NavigableMap<String, Kind> tree = new TreeMap<>();
    private Set<String> written = new HashSet<>();
    private List<Removal> removals = new ArrayList<>();
    private String layer = "";
    private int entries;

    LayerTree(String shownAs, boolean whiteouts) {
        this.shownAs = shownAs;
        this.whiteouts = whiteouts;
        tree.put("", Kind.DIR);
    }

    /** Starts the next layer ({@code name} is how errors call it, empty for a plain tarball). */
    void beginLayer(String name) {
        layer = name.isEmpty() ? "" : name + ": ";
        written = new HashSet<>();
        removals = new ArrayList<>();
        entries = 0;
    }

    /** How many entries the layer being read has had so far. */
    int entriesInLayer() {
        return entries;
    }

    /** What of the lower layers the layer just read removes, in the order of its entries. */
    List<Removal> endLayer() {
        return List.copyOf(removals);
    }

    void entry(TarArchiveEntry e) {
        entries++;
        String raw = e.getName();
        String name = relativeName(raw, "entry");
        String base = name.substring(name.lastIndexOf('/') + 1);
        if (whiteouts && base.startsWith(WHITEOUT)) {
            whiteout(raw, name, base);
            return;
        }
        if (name.isEmpty()) {
            if (!e.isDirectory()) {
                throw refused("its root entry '" + raw + "' is not a directory");
            }
            return;
        }
        requireNotThroughSymlink(name, "entry '" + raw + "'");
        Kind kind;
        if (e.isSymbolicLink()) {
            requireInside(name, e.getLinkName());
            kind = Kind.SYMLINK;
        } else if (e.isLink()) {
            String target = relativeName(e.getLinkName(), "hard link '" + raw + "' to");
            requireNotThroughSymlink(target, "hard link '" + raw + "'");
            Kind targetKind = tree.get(target);
            if (targetKind == null || targetKind == Kind.DIR) {
                throw refused("hard link '" + raw + "' names '" + e.getLinkName() + "', which is not an earlier entry of the archive"
                        + (whiteouts ? " or a file of a lower layer" : ""));
            }
            kind = targetKind;
        } else if (e.isDirectory()) {
            kind = Kind.DIR;
        } else if (ORDINARY_KINDS.contains(e.getLinkFlag())) {
            kind = Kind.OTHER;
        } else {
            throw refused("entry '" + raw + "' is of a kind an image cannot hold (tar type '" + (char) e.getLinkFlag() + "')");
        }
        Kind lower = tree.get(name);
        if (lower == Kind.SYMLINK && written.contains(name) && kind != Kind.SYMLINK) {
            // what tar makes of it depends on when it makes the link: not worth finding out
            throw refused("entry '" + raw + "' replaces the symbolic link '" + name + "' of the same archive");
        }
        if (lower != null && !written.contains(name) && (kind != Kind.DIR || lower != Kind.DIR)) {
            // tar would not replace a lower directory by a file, and a lower link must not be written through
            removeLower(name, false);
        }
        for (int slash = name.indexOf('/'); slash > 0; slash = name.indexOf('/', slash + 1)) {
            String parent = name.substring(0, slash);
            if (tree.get(parent) == Kind.OTHER && written.contains(parent)) {
                throw refused("entry '" + raw + "' is below '" + parent + "', which the archive made a file");
            }
            if (tree.get(parent) == Kind.OTHER) {
                removeLower(parent, false); // a lower file where this layer has a directory: the directory replaces it
            }
            if (tree.putIfAbsent(parent, Kind.DIR) == null) {
                written.add(parent); // tar makes missing parents
            }
        }
        tree.put(name, kind);
        written.add(name);
    }

    private void whiteout(String raw, String name, String base) {
        requireNotThroughSymlink(name, "whiteout '" + raw + "'");
        String dir = name.contains("/") ? name.substring(0, name.lastIndexOf('/')) : "";
        if (base.equals(OPAQUE)) {
            if (tree.get(dir) == Kind.DIR) {
                removeLower(dir, true);
            }
            return;
        }
        if (base.startsWith(OPAQUE.substring(0, 8))) {
            return; // other .wh..wh. names are aufs bookkeeping (hard link store, …), not part of the image
        }
        String hidden = base.substring(WHITEOUT.length());
        if (hidden.isEmpty() || hidden.equals(".") || hidden.equals("..")) {
            throw refused("whiteout '" + raw + "' names no file");
        }
        String target = dir.isEmpty() ? hidden : dir + "/" + hidden;
        if (tree.containsKey(target) && !written.contains(target)) {
            removeLower(target, false);
        }
    }

    /** Forgets {@code path} (or only what the lower layers put under it) and records the removal. */
    private void removeLower(String path, boolean contentsOnly) {
        String prefix = path.isEmpty() ? "" : path + "/";
        Map<String, Kind> below = path.isEmpty() ? tree.tailMap("", false) : tree.subMap(prefix, true, path + "0", false);
        below.keySet().removeIf(p -> !written.contains(p));
        if (!contentsOnly) {
            tree.remove(path);
        }
        removals.add(new Removal(path, contentsOnly));
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
            String above = name.substring(0, slash);
            if (tree.get(above) == Kind.SYMLINK) {
                throw refused(what + " would be written through the symbolic link '" + above + "'"
                        + (written.contains(above) || !whiteouts ? "" : " of a lower layer"));
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
        return GantryException.invalid("refusing " + shownAs + ": " + layer + why);
    }
}
