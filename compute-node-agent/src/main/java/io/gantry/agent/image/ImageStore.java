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
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Root filesystem images, addressed by the sha256 of their tarball (plain, gzip, xz, zstd or bzip2) and
 * unpacked once into {@code <root>/<sha256>/rootfs}, which every zone shares read-only as the
 * lower layer of its overlay.
 */
public final class ImageStore {
    private static final Duration UNPACK_TIMEOUT = Duration.ofMinutes(10);
    private final Path root;

    public ImageStore(Path root) {
        this.root = root;
    }

    /**
     * Imports a tarball; importing the same bytes again returns the existing image (renamed if a new
     * name is given). The tarball is copied into the store first, so what is checked and unpacked is
     * exactly what the id names; a tarball that is not a tar archive, would write outside the image,
     * or cannot be a zone's root is refused (InvalidArgument) with nothing left in the store.
     */
    public Image importTarball(Path tarball, String name) {
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
        Image image = new Image(id, name, sizeOf(tarball), existing.map(Image::importedAt).orElse(Instant.now()));
        Path firstMade = Files.exists(root) ? null : root; // the outermost directory this import makes, to remove if it fails
        while (firstMade != null && firstMade.getParent() != null && !Files.exists(firstMade.getParent())) {
            firstMade = firstMade.getParent();
        }
        try {
            Files.createDirectories(root);
            if (!Files.isDirectory(dir.resolve("rootfs"))) {
                unpack(tarball, id, dir);
            }
            DurableFiles.write(dir.resolve("image.json"), Json.writePretty(image));
        } catch (IOException e) {
            throw GantryException.internal("cannot import image " + name + ": " + e.getMessage());
        } finally {
            if (firstMade != null && read(dir).isEmpty()) {
                for (Path p = root; p != null && p.startsWith(firstMade); p = p.getParent()) {
                    deleteIfEmpty(p);
                }
            }
        }
        return image;
    }

    private void unpack(Path tarball, String id, Path dir) throws IOException {
        Path staging = Files.createTempDirectory(root, ".import-");
        try {
            Path copy = staging.resolve("image.tar");
            Files.copy(tarball, copy);
            if (!sha256(copy).equals(id)) {
                throw GantryException.invalid(tarball + " changed while it was being imported");
            }
            TarballCheck.requireSafe(copy, tarball.toString());
            Path rootfs = Files.createDirectory(staging.resolve("rootfs"));
            Cmd.Result tar = Cmd.run(List.of("tar", "-x", "--numeric-owner", "-f", copy.toString(), "-C", rootfs.toString()),
                    null, UNPACK_TIMEOUT);
            if (!tar.ok()) {
                throw GantryException.internal("tar cannot unpack " + tarball + ": " + tar.stderr().strip().lines().findFirst().orElse("exit " + tar.exitCode()));
            }
            // names the check could not see as they are (commons-compress strips a leading '/' of PAX and GNU long names)
            tar.stderr().lines().filter(line -> line.contains("Removing leading")).findFirst().ifPresent(line -> {
                throw GantryException.invalid("refusing " + tarball + ": it has entries with an absolute path (" + line.strip() + ")");
            });
            ZoneRootCheck.requireUsable(rootfs, tarball.toString());
            Files.createDirectories(dir);
            Files.move(rootfs, dir.resolve("rootfs"), StandardCopyOption.ATOMIC_MOVE);
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
