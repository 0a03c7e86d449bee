package io.gantry.agent.image;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.common.GantryException;
import io.gantry.common.Json;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarFile;

/**
 * Reads an image file: tells its format from its content, finds the layers and config of a
 * {@code docker save} archive or an OCI layout (reading the outer tar at random, decompressed to a
 * temporary file first if it is compressed), checks every blob and layer, and applies the layers.
 */
final class ArchiveReader implements AutoCloseable {
    private static final Pattern BLOB = Pattern.compile("blobs/sha256/([0-9a-f]{64})");
    private static final Pattern CLASSIC_CONFIG = Pattern.compile("([0-9a-f]{64})\\.json");
    private static final Pattern DIGEST = Pattern.compile("sha256:([0-9a-f]{64})");
    private static final int MAX_JSON = 4 << 20;
    private static final int MAX_LINK_HOPS = 8;
    private static final String[] MANIFEST_TYPES = {"application/vnd.oci.image.manifest.v1+json",
            "application/vnd.docker.distribution.manifest.v2+json"};
    private static final String[] INDEX_TYPES = {"application/vnd.oci.image.index.v1+json",
            "application/vnd.docker.distribution.manifest.list.v2+json"};

    private final Path archive;
    private final String shownAs;
    private final ImageArchive.Format format;
    private final Path temporary;
    private final TarFile tar;
    private final Map<String, TarArchiveEntry> entries;

    /** A layer as the manifest names it: where it is in the archive and what it must hash to. */
    private record LayerRef(String path, String blobHex, long size, String diffIdHex) {
    }

    private ArchiveReader(Path archive, String shownAs, ImageArchive.Format format, Path temporary, TarFile tar,
                          Map<String, TarArchiveEntry> entries) {
        this.archive = archive;
        this.shownAs = shownAs;
        this.format = format;
        this.temporary = temporary;
        this.tar = tar;
        this.entries = entries;
    }

    static ArchiveReader open(Path archive, String shownAs) {
        Compression compression;
        try {
            compression = Compression.of(archive);
        } catch (IOException e) {
            throw GantryException.invalid("cannot read " + shownAs + ": " + e.getMessage());
        }
        Path temporary = null;
        TarFile tar = null;
        try {
            Path plain = archive;
            if (compression != Compression.NONE) {
                Set<String> top = topLevelNames(archive);
                if (!top.contains("manifest.json") && !top.contains("oci-layout")) {
                    return rootfs(archive, shownAs);
                }
                temporary = decompressedCopy(archive);
                plain = temporary;
            }
            try {
                tar = new TarFile(plain);
            } catch (IOException | RuntimeException e) {
                return rootfs(archive, shownAs); // not a tar archive: TarballCheck says so in its words
            }
            Map<String, TarArchiveEntry> entries = new HashMap<>();
            for (TarArchiveEntry e : tar.getEntries()) {
                String name = normalize(e.getName());
                if (name != null) {
                    entries.put(name, e);
                }
            }
            ImageArchive.Format format = entries.containsKey("manifest.json") ? ImageArchive.Format.DOCKER_ARCHIVE
                    : entries.containsKey("oci-layout") && entries.containsKey("index.json") ? ImageArchive.Format.OCI_LAYOUT
                    : ImageArchive.Format.ROOTFS_TARBALL;
            if (format == ImageArchive.Format.ROOTFS_TARBALL) {
                tar.close();
                deleteQuietly(temporary);
                return rootfs(archive, shownAs);
            }
            return new ArchiveReader(archive, shownAs, format, temporary, tar, entries);
        } catch (IOException e) {
            closeQuietly(tar);
            deleteQuietly(temporary);
            throw GantryException.invalid("cannot read " + shownAs + ": " + e.getMessage());
        } catch (RuntimeException e) {
            closeQuietly(tar);
            deleteQuietly(temporary);
            throw e;
        }
    }

    private static ArchiveReader rootfs(Path archive, String shownAs) {
        return new ArchiveReader(archive, shownAs, ImageArchive.Format.ROOTFS_TARBALL, null, null, Map.of());
    }

    /** The names at the top of a compressed tar; empty if it is none. */
    private static Set<String> topLevelNames(Path archive) {
        Set<String> names = new HashSet<>();
        try (InputStream in = Decompressed.of(Files.newInputStream(archive));
             TarArchiveInputStream t = new TarArchiveInputStream(in)) {
            for (TarArchiveEntry e = t.getNextEntry(); e != null; e = t.getNextEntry()) {
                String name = normalize(e.getName());
                if (name != null && !name.contains("/")) {
                    names.add(name);
                }
            }
        } catch (IOException | RuntimeException e) {
            return Set.of();
        }
        return names;
    }

    private static Path decompressedCopy(Path archive) throws IOException {
        Path dir = archive.toAbsolutePath().getParent();
        Path copy;
        try {
            copy = Files.createTempFile(dir, ".plain-", ".tar");
        } catch (IOException e) {
            copy = Files.createTempFile("gantry-image-", ".tar");
        }
        try (InputStream in = Decompressed.of(Files.newInputStream(archive)); OutputStream out = Files.newOutputStream(copy)) {
            in.transferTo(out);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(copy);
            throw e;
        }
        return copy;
    }

    /** The path without "./", doubled or trailing '/'; null if it climbs out with "..". */
    private static String normalize(String raw) {
        Deque<String> parts = new ArrayDeque<>();
        for (String part : raw.split("/")) {
            if (part.equals("..")) {
                if (parts.isEmpty()) {
                    return null;
                }
                parts.removeLast();
            } else if (!part.isEmpty() && !part.equals(".")) {
                parts.addLast(part);
            }
        }
        return String.join("/", parts);
    }

    /** The result of {@link #check}: the archive as inspected, and what each layer removes of the lower ones. */
    final class Checked {
        private final ImageArchive archive;
        private final List<LayerRef> refs;
        private final List<List<LayerTree.Removal>> removals;
        private final List<Boolean> empty;

        private Checked(ImageArchive archive, List<LayerRef> refs, List<List<LayerTree.Removal>> removals, List<Boolean> empty) {
            this.archive = archive;
            this.refs = refs;
            this.removals = removals;
            this.empty = empty;
        }

        ImageArchive archive() {
            return archive;
        }

        /** Applies the checked layers in order into {@code rootfs}. */
        void apply(Path rootfs, Consumer<String> progress) {
            for (int i = 0; i < refs.size(); i++) {
                ImageArchive.Layer layer = archive.layers().get(i);
                progress.accept("layer " + (i + 1) + "/" + refs.size() + " " + shortDigest(layer.digest()) + " " + mib(layer.sizeBytes()));
                for (LayerTree.Removal removal : removals.get(i)) {
                    remove(rootfs, removal);
                }
                if (!empty.get(i)) { // an empty layer (a RUN that changed nothing) may be no bytes at all, which tar refuses
                    untarLayer(refs.get(i), layerName(i, refs.size(), layer.digest()), rootfs);
                }
            }
        }
    }

    /** Reads and checks all of the archive (see {@link ImageArchive}). */
    Checked check(Consumer<String> progress) {
        if (format == ImageArchive.Format.ROOTFS_TARBALL) {
            TarballCheck.requireSafe(archive, shownAs);
            return new Checked(new ImageArchive(format, null, null, List.of()), List.of(), List.of(), List.of());
        }
        JsonNode config;
        List<LayerRef> refs;
        if (format == ImageArchive.Format.DOCKER_ARCHIVE) {
            JsonNode manifests = json("manifest.json", null, -1);
            if (!manifests.isArray() || manifests.size() != 1) {
                throw refused("its manifest.json lists " + (manifests.isArray() ? manifests.size() : "no") + " images; save exactly one");
            }
            JsonNode m = manifests.get(0);
            String configPath = text(m, "Config", "manifest.json");
            config = json(configPath, blobHex(configPath), -1);
            refs = new ArrayList<>();
            for (JsonNode l : array(m, "Layers", "manifest.json")) {
                refs.add(new LayerRef(l.asText(), blobHex(l.asText()), -1, null));
            }
        } else {
            JsonNode manifest = pickManifest(json("index.json", null, -1), 0);
            JsonNode configDescriptor = manifest.path("config");
            config = json(blobPath(configDescriptor, "the manifest's config"), digestHex(configDescriptor, "the manifest's config"),
                    configDescriptor.path("size").asLong(-1));
            refs = new ArrayList<>();
            for (JsonNode l : array(manifest, "layers", "the image manifest")) {
                refs.add(new LayerRef(blobPath(l, "a layer"), digestHex(l, "a layer"), l.path("size").asLong(-1), null));
            }
        }
        JsonNode diffIds = array(config.path("rootfs"), "diff_ids", "the image config's rootfs");
        if (diffIds.size() != refs.size()) {
            throw refused("its config lists " + diffIds.size() + " diff_ids for " + refs.size() + " layers");
        }
        List<LayerRef> withIds = new ArrayList<>();
        for (int i = 0; i < refs.size(); i++) {
            Matcher d = DIGEST.matcher(diffIds.get(i).asText());
            if (!d.matches()) {
                throw refused("its config's diff_id '" + diffIds.get(i).asText() + "' is not a sha256 digest");
            }
            LayerRef r = refs.get(i);
            withIds.add(new LayerRef(r.path(), r.blobHex(), r.size(), d.group(1)));
        }
        String os = config.path("os").asText(null);
        String arch = config.path("architecture").asText(null);
        if (os == null || arch == null) {
            throw refused("its image config names no os and architecture");
        }
        LayerTree tree = new LayerTree(shownAs, true);
        List<ImageArchive.Layer> layers = new ArrayList<>();
        List<List<LayerTree.Removal>> removals = new ArrayList<>();
        List<Boolean> empty = new ArrayList<>();
        long total = withIds.stream().mapToLong(r -> entry(r.path()).getSize()).sum();
        progress.accept("checking " + withIds.size() + " layers, " + mib(total) + " (" + format.name().toLowerCase(Locale.ROOT).replace('_', ' ') + ")");
        for (int i = 0; i < withIds.size(); i++) {
            LayerRef ref = withIds.get(i);
            TarArchiveEntry blob = entry(ref.path());
            String name = layerName(i, withIds.size(), "sha256:" + (ref.blobHex() != null ? ref.blobHex() : ref.diffIdHex()));
            tree.beginLayer(name);
            String blobHex = checkLayer(ref, blob, name, tree);
            removals.add(tree.endLayer());
            empty.add(tree.entriesInLayer() == 0);
            layers.add(new ImageArchive.Layer("sha256:" + blobHex, "sha256:" + ref.diffIdHex(), blob.getSize()));
        }
        return new Checked(new ImageArchive(format, os, arch, layers), withIds, removals, empty);
    }

    /** Reads one layer through the tree; returns its blob's sha256. */
    private String checkLayer(LayerRef ref, TarArchiveEntry blobEntry, String name, LayerTree tree) {
        if (ref.size() >= 0 && blobEntry.getSize() != ref.size()) {
            throw refused(name + ": it is " + blobEntry.getSize() + " bytes, its descriptor says " + ref.size());
        }
        DigestInputStream blob;
        DigestInputStream plain;
        try (InputStream raw = tar.getInputStream(blobEntry);
             InputStream decompressed = Decompressed.of(blob = new DigestInputStream(raw, sha256()))) {
            plain = new DigestInputStream(decompressed, sha256());
            TarArchiveInputStream layer = new TarArchiveInputStream(new BufferedInputStream(plain, 1 << 16));
            for (TarArchiveEntry e = layer.getNextEntry(); e != null; e = layer.getNextEntry()) {
                tree.entry(e);
            }
            layer.transferTo(OutputStream.nullOutputStream());
            plain.transferTo(OutputStream.nullOutputStream());
            blob.transferTo(OutputStream.nullOutputStream());
        } catch (IOException | IllegalArgumentException e) {
            throw refused(name + " is not a tar archive (plain, gzip or zstd): " + e.getMessage());
        }
        String blobHex = hex(blob);
        if (ref.blobHex() != null && !ref.blobHex().equals(blobHex)) {
            throw refused(name + ": its content does not match its digest (it is sha256:" + blobHex + ")");
        }
        String plainHex = hex(plain);
        if (!ref.diffIdHex().equals(plainHex)) {
            throw refused(name + ": its uncompressed content does not match the config's diff_id sha256:" + ref.diffIdHex()
                    + " (it is sha256:" + plainHex + ")");
        }
        return blobHex;
    }

    private void untarLayer(LayerRef ref, String name, Path rootfs) {
        Path errors = null;
        try {
            errors = Files.createTempFile("gantry-untar-", ".err");
            Process tarProcess = new ProcessBuilder("tar", "-x", "--numeric-owner", "--exclude=" + LayerTree.WHITEOUT + "*",
                    "-f", "-", "-C", rootfs.toString())
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(errors.toFile())
                    .start();
            DigestInputStream plain = null;
            IOException feed = null;
            try (InputStream raw = tar.getInputStream(entry(ref.path())); InputStream decompressed = Decompressed.of(raw);
                 OutputStream stdin = tarProcess.getOutputStream()) {
                plain = new DigestInputStream(decompressed, sha256());
                plain.transferTo(stdin);
            } catch (IOException e) {
                feed = e; // tar stopped reading (its stderr says why) or the blob cannot be read
            }
            if (!tarProcess.waitFor(10, TimeUnit.MINUTES)) {
                tarProcess.destroyForcibly();
                throw GantryException.internal("tar took over 10 minutes to unpack " + name + " of " + shownAs);
            }
            String stderr = Files.readString(errors);
            if (tarProcess.exitValue() != 0 || feed != null) {
                String why = stderr.strip().lines().findFirst().orElse(feed != null ? feed.getMessage() : "exit " + tarProcess.exitValue());
                throw GantryException.internal("tar cannot unpack " + name + " of " + shownAs + ": " + why);
            }
            RootfsBuilder.refuseStrippedNames(stderr, shownAs);
            if (!hex(plain).equals(ref.diffIdHex())) {
                throw refused(name + " changed while it was being imported");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot unpack " + name + " of " + shownAs, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw GantryException.internal("interrupted while unpacking " + shownAs);
        } finally {
            deleteQuietly(errors);
        }
    }

    /**
     * Carries out a whiteout on the lower layers as unpacked. A path whose directories are not all
     * real directories (a link, or nothing) holds nothing of the lower layers to remove; walking
     * them this way never leaves the root, whatever the layers hold.
     */
    static void remove(Path rootfs, LayerTree.Removal removal) {
        Path target = rootfs;
        if (!removal.path().isEmpty()) {
            String[] parts = removal.path().split("/");
            for (int i = 0; i < parts.length - 1; i++) {
                target = target.resolve(parts[i]);
                if (!Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
                    return;
                }
            }
            target = target.resolve(parts[parts.length - 1]);
        }
        try {
            if (removal.contentsOnly()) {
                if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
                    try (Stream<Path> children = Files.list(target)) {
                        for (Path child : children.toList()) {
                            deleteTree(child);
                        }
                    }
                }
            } else if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                deleteTree(target);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + removal.path() + " of a lower layer", e);
        }
    }

    /** Deletes a file, a link (not what it leads to) or a directory with all it holds. */
    private static void deleteTree(Path path) throws IOException {
        Files.walkFileTree(path, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** Of an OCI index, the image manifest for linux on this host's architecture (following nested indexes). */
    private JsonNode pickManifest(JsonNode index, int depth) {
        JsonNode manifests = array(index, "manifests", depth == 0 ? "index.json" : "a nested image index");
        List<JsonNode> candidates = new ArrayList<>();
        for (JsonNode m : manifests) {
            if (is(m, MANIFEST_TYPES) || is(m, INDEX_TYPES)) {
                candidates.add(m);
            }
        }
        if (candidates.isEmpty()) {
            throw refused("its index.json lists no image manifest");
        }
        JsonNode chosen = candidates.get(0);
        if (candidates.size() > 1) {
            String want = RootfsBuilder.hostArchitecture();
            List<String> platforms = new ArrayList<>();
            chosen = null;
            for (JsonNode m : candidates) {
                JsonNode p = m.path("platform");
                platforms.add(p.path("os").asText("?") + "/" + p.path("architecture").asText("?"));
                if (chosen == null && "linux".equals(p.path("os").asText()) && want.equals(p.path("architecture").asText())) {
                    chosen = m;
                }
            }
            if (chosen == null) {
                throw refused("it holds images for " + String.join(", ", platforms) + ", none for linux/" + want);
            }
        }
        JsonNode content = json(blobPath(chosen, "a manifest"), digestHex(chosen, "a manifest"), chosen.path("size").asLong(-1));
        if (is(chosen, INDEX_TYPES) || content.has("manifests")) {
            if (depth >= 2) {
                throw refused("its image indexes are nested too deep");
            }
            return pickManifest(content, depth + 1);
        }
        return content;
    }

    private static boolean is(JsonNode descriptor, String[] types) {
        String type = descriptor.path("mediaType").asText();
        for (String t : types) {
            if (t.equals(type)) {
                return true;
            }
        }
        return false;
    }

    private String blobPath(JsonNode descriptor, String what) {
        return "blobs/sha256/" + digestHex(descriptor, what);
    }

    private String digestHex(JsonNode descriptor, String what) {
        String digest = descriptor.path("digest").asText("");
        Matcher m = DIGEST.matcher(digest);
        if (!m.matches()) {
            throw refused("the digest of " + what + " is '" + digest + "', not sha256:<64 hex digits>");
        }
        return m.group(1);
    }

    private static String blobHex(String path) {
        String name = normalize(path);
        Matcher blob = BLOB.matcher(name == null ? "" : name);
        if (blob.matches()) {
            return blob.group(1);
        }
        Matcher config = CLASSIC_CONFIG.matcher(name == null ? "" : name);
        return config.matches() ? config.group(1) : null;
    }

    /** A small JSON file of the archive, checked against its digest and size where they are known. */
    private JsonNode json(String path, String hex, long size) {
        TarArchiveEntry e = entry(path);
        if (e.getSize() > MAX_JSON) {
            throw refused(path + " is " + e.getSize() + " bytes, too big for image metadata");
        }
        if (size >= 0 && e.getSize() != size) {
            throw refused(path + " is " + e.getSize() + " bytes, its descriptor says " + size);
        }
        byte[] bytes;
        try (InputStream in = tar.getInputStream(e)) {
            bytes = in.readAllBytes();
        } catch (IOException ex) {
            throw refused("cannot read " + path + ": " + ex.getMessage());
        }
        if (hex != null && !hex.equals(HexFormat.of().formatHex(sha256().digest(bytes)))) {
            throw refused(path + ": its content does not match its digest sha256:" + hex);
        }
        try {
            return Json.mapper().readTree(bytes);
        } catch (IOException ex) {
            throw refused(path + " is not JSON: " + ex.getMessage().lines().findFirst().orElse(""));
        }
    }

    private JsonNode array(JsonNode node, String field, String where) {
        JsonNode a = node.path(field);
        if (!a.isArray()) {
            throw refused(where + " has no " + field + " list");
        }
        return a;
    }

    private String text(JsonNode node, String field, String where) {
        JsonNode t = node.path(field);
        if (!t.isTextual()) {
            throw refused(where + " has no " + field);
        }
        return t.asText();
    }

    /** The archive's entry at {@code path}, links within the archive followed. */
    private TarArchiveEntry entry(String path) {
        String name = normalize(path);
        for (int hop = 0; name != null && hop < MAX_LINK_HOPS; hop++) {
            TarArchiveEntry e = entries.get(name);
            if (e == null) {
                throw refused("it has no " + path + ", which its manifest names");
            }
            if (e.isSymbolicLink()) {
                String dir = name.contains("/") ? name.substring(0, name.lastIndexOf('/') + 1) : "";
                name = e.getLinkName().startsWith("/") ? null : normalize(dir + e.getLinkName());
            } else if (e.isLink()) {
                name = normalize(e.getLinkName());
            } else if (e.isFile()) {
                return e;
            } else {
                throw refused(path + " is not a file");
            }
        }
        throw refused(path + " is a link that leads nowhere in the archive");
    }

    private static String layerName(int i, int count, String digest) {
        return "layer " + (i + 1) + "/" + count + " " + shortDigest(digest);
    }

    private static String shortDigest(String digest) {
        return digest.substring(0, Math.min(digest.length(), "sha256:".length() + 12)) + "…";
    }

    static String mib(long bytes) {
        return bytes < (1 << 20) ? (bytes + 1023) / 1024 + " KiB" : (bytes + (1 << 19)) / (1 << 20) + " MiB";
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hex(DigestInputStream in) {
        return HexFormat.of().formatHex(in.getMessageDigest().digest());
    }

    private GantryException refused(String why) {
        return GantryException.invalid("refusing " + shownAs + ": " + why);
    }

    @Override
    public void close() {
        closeQuietly(tar);
        deleteQuietly(temporary);
    }

    private static void closeQuietly(TarFile t) {
        if (t != null) {
            try {
                t.close();
            } catch (IOException ignored) {
                // read only: nothing lost
            }
        }
    }

    private static void deleteQuietly(Path p) {
        if (p != null) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException ignored) {
                // a temporary file; the directory it is in goes with the import
            }
        }
    }
}
