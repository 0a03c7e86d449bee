package io.gantry.agent.image;

import io.gantry.agent.host.Cmd;
import io.gantry.agent.host.DurableFiles;
import io.gantry.common.GantryException;
import io.gantry.common.Image;
import io.gantry.common.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Consumer;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Root filesystem images, addressed by the sha256 of the file they came from — a root filesystem
 * tarball (plain, gzip, xz, zstd or bzip2), a {@code docker save} archive or an OCI image layout as a
 * tar ({@link ImageArchive}) — and unpacked once into {@code <root>/<sha256>/rootfs}, which every
 * zone shares read-only as the lower layer of its overlay.
 */
public final class ImageStore {
    private final Path root;

    public ImageStore(Path root) {
        this.root = root;
    }

    public Image importTarball(Path tarball, String name) {
        return importTarball(tarball, name, line -> { });
    }

    /**
     * Imports an image file (its format told from its content); importing the same bytes again
     * returns the existing image (renamed if a new name is given). The file is copied into the
     * store first, so what is checked and unpacked is exactly what the id names; a file that is no
     * image, would write outside the image, fails a digest, or cannot be a zone's root is refused
     * (InvalidArgument) with nothing left in the store. {@code progress} gets a line per layer.
     */
    public Image importTarball(Path tarball, String name, Consumer<String> progress) {
        Image.requireValidName(name);
        if (!Files.isRegularFile(tarball)) {
            throw GantryException.invalid("no image file at " + tarball);
        }
        String id;
        try {
            id = sha256(tarball);
        } catch (UncheckedIOException e) {
            throw GantryException.invalid("cannot read " + tarball + ": " + reason(e.getCause()));
        }
        Path dir = root.resolve(id);
        Optional<Image> existing = read(dir);
        findByName(name).filter(other -> !other.id().equals(id)).ifPresent(other -> {
            throw GantryException.invalid("an image named '" + name + "' already exists (" + other.shortId() + ")");
        });
        Path firstMade = Files.exists(root) ? null : root; // the outermost directory this import makes, to remove if it fails
        while (firstMade != null && firstMade.getParent() != null && !Files.exists(firstMade.getParent())) {
            firstMade = firstMade.getParent();
        }
        try {
            Files.createDirectories(root);
            Image image;
            if (Files.isDirectory(dir.resolve("rootfs"))) { // imported before (its image.json lost only if a crash came between)
                image = new Image(id, name, sizeOf(tarball), existing.map(Image::importedAt).orElse(Instant.now()),
                        existing.map(Image::os).orElse(null), existing.map(Image::architecture).orElse(null));
            } else {
                ImageArchive archive = unpack(tarball, id, dir, progress);
                image = new Image(id, name, sizeOf(tarball), Instant.now(), archive.os(), archive.architecture());
            }
            DurableFiles.write(dir.resolve("image.json"), Json.writePretty(image));
            return image;
        } catch (IOException e) {
            throw GantryException.internal("cannot import image " + name + ": " + e.getMessage());
        } finally {
            if (firstMade != null && read(dir).isEmpty()) {
                for (Path p = root; p != null && p.startsWith(firstMade); p = p.getParent()) {
                    deleteIfEmpty(p);
                }
            }
        }
    }

    private ImageArchive unpack(Path tarball, String id, Path dir, Consumer<String> progress) throws IOException {
        Path staging = Files.createTempDirectory(root, ".import-");
        try {
            Path copy = staging.resolve("image.tar");
            Files.copy(tarball, copy);
            if (!sha256(copy).equals(id)) {
                throw GantryException.invalid(tarball + " changed while it was being imported");
            }
            Path rootfs = Files.createDirectory(staging.resolve("rootfs"));
            ImageArchive archive = RootfsBuilder.unpack(copy, rootfs, tarball.toString(), progress);
            Files.createDirectories(dir);
            Files.move(rootfs, dir.resolve("rootfs"), StandardCopyOption.ATOMIC_MOVE);
            return archive;
        } finally {
            deleteTree(staging);
        }
    }

    private static String reason(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private static void deleteIfEmpty(Path dir) {
        try {
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            // not empty (another import is using it) or already gone: either way it stays as it is
        }
    }

    public List<Image> list() {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> dirs = Files.list(root)) {
            List<Image> images = new ArrayList<>();
            dirs.forEach(d -> read(d).ifPresent(images::add));
            images.sort(Comparator.comparing(Image::name));
            return images;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Finds an image by name, full id, or an unambiguous id prefix of at least 6 digits. */
    public Image resolve(String nameOrId) {
        Optional<Image> byName = findByName(nameOrId);
        if (byName.isPresent()) {
            return byName.get();
        }
        if (nameOrId.length() >= 6 && nameOrId.matches("[0-9a-f]+")) {
            List<Image> matches = list().stream().filter(i -> i.id().startsWith(nameOrId)).toList();
            if (matches.size() == 1) {
                return matches.get(0);
            }
            if (matches.size() > 1) {
                throw GantryException.invalid("image id prefix '" + nameOrId + "' matches " + matches.size() + " images");
            }
        }
        throw GantryException.notFound("no image named or with id '" + nameOrId + "'; see 'gantry image list'");
    }

    public Optional<Image> findById(String id) {
        return read(root.resolve(id));
    }

    public Path rootfs(String imageId) {
        return root.resolve(imageId).resolve("rootfs");
    }

    private Optional<Image> findByName(String name) {
        return list().stream().filter(i -> i.name().equals(name)).findFirst();
    }

    private static Optional<Image> read(Path dir) {
        Path meta = dir.resolve("image.json");
        if (!Files.isRegularFile(meta) || !Files.isDirectory(dir.resolve("rootfs"))) {
            return Optional.empty();
        }
        try {
            return Optional.of(Json.read(Files.readString(meta), Image.class));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String sha256(Path file) {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long sizeOf(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void deleteTree(Path dir) {
        if (Files.exists(dir)) {
            Cmd.check("rm", "-rf", "--one-file-system", dir.toString());
        }
    }
}
