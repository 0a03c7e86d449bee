package io.gantry.agent.image;

import io.gantry.agent.host.Cmd;
import io.gantry.agent.host.DurableFiles;
import io.gantry.common.GantryException;
import io.gantry.common.Image;
import io.gantry.common.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
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
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Root filesystem images, addressed by the sha256 of their tarball (plain, gzip, xz or zstd) and
 * unpacked once into {@code <root>/<sha256>/rootfs}, which every zone shares read-only as the
 * lower layer of its overlay.
 */
public final class ImageStore {
    private final Path root;

    public ImageStore(Path root) {
        this.root = root;
    }

    /** Imports a tarball; importing the same bytes again returns the existing image (renamed if a new name is given). */
    public Image importTarball(Path tarball, String name) {
        Image.requireValidName(name);
        if (!Files.isRegularFile(tarball)) {
            throw GantryException.invalid("no image file at " + tarball);
        }
        String id = sha256(tarball);
        Path dir = root.resolve(id);
        Optional<Image> existing = read(dir);
        Image image = new Image(id, name, sizeOf(tarball), existing.map(Image::importedAt).orElse(Instant.now()));
        findByName(name).filter(other -> !other.id().equals(id)).ifPresent(other -> {
            throw GantryException.invalid("an image named '" + name + "' already exists (" + other.shortId() + ")");
        });
        try {
            Files.createDirectories(root);
            if (!Files.isDirectory(dir.resolve("rootfs"))) {
                Path staging = Files.createTempDirectory(root, ".import-");
                try {
                    Path rootfs = Files.createDirectory(staging.resolve("rootfs"));
                    Cmd.check("tar", "-x", "--numeric-owner", "-f", tarball.toAbsolutePath().toString(), "-C", rootfs.toString());
                    Files.createDirectories(dir);
                    Files.move(rootfs, dir.resolve("rootfs"), StandardCopyOption.ATOMIC_MOVE);
                } finally {
                    deleteTree(staging);
                }
            }
            DurableFiles.write(dir.resolve("image.json"), Json.writePretty(image));
        } catch (IOException e) {
            throw GantryException.internal("cannot import image " + name + ": " + e.getMessage());
        }
        return image;
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
