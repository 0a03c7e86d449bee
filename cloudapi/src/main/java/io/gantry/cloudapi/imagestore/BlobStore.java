package io.gantry.cloudapi.imagestore;

import io.gantry.common.GantryException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Image files on the control plane's disk, named by their sha256: {@code <root>/blobs/sha256/<hex>}. A file arrives in
 * {@code <root>/tmp/}, is fsynced and checked, then renamed into place (the directory fsynced too), so a blob that is
 * there is whole and is what its name says. Blocking: call from a worker thread, never an event loop.
 */
public final class BlobStore {
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    /** Temporary files older than this are left by a crash or a broken upload, and removed when the store opens. */
    private static final Duration STALE_TEMP = Duration.ofDays(1);
    private final Path root;

    /** Whether a blob was new or already there when it was committed. */
    public enum Commit { NEW, EXISTED }

    private BlobStore(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    /** The store under {@code root} (made if missing), with stale temporary files removed. */
    public static BlobStore open(Path root) {
        BlobStore store = new BlobStore(root);
        try {
            Files.createDirectories(store.blobs());
            Files.createDirectories(store.tmp());
            Instant stale = Instant.now().minus(STALE_TEMP);
            try (Stream<Path> temps = Files.list(store.tmp())) {
                for (Path t : temps.toList()) {
                    if (Files.getLastModifiedTime(t).toInstant().isBefore(stale)) {
                        deleteTree(t); // an upload's file, or the scratch space of a check a crash interrupted
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the image store at " + store.root + ": " + e.getMessage(), e);
        }
        return store;
    }

    public Path root() {
        return root;
    }

    public static boolean isDigest(String hex) {
        return hex != null && SHA256.matcher(hex).matches();
    }

    /** InvalidArgument unless {@code hex} is a sha256 in lower-case hex. */
    public static String requireDigest(String hex) {
        if (!isDigest(hex)) {
            throw GantryException.invalid("a blob is named by its sha256, 64 lower-case hex digits; got '" + hex + "'");
        }
        return hex;
    }

    /** Where the blob of {@code hex} is (whether or not it is there). */
    public Path blob(String hex) {
        return blobs().resolve(requireDigest(hex));
    }

    /** The blob's size, or empty when the store does not have it. */
    public Optional<Long> size(String hex) {
        try {
            return Optional.of(Files.size(blob(hex)));
        } catch (java.nio.file.NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A new, empty temporary file for an arriving blob. */
    public Path newTemp() {
        try {
            return Files.createFile(tmp().resolve(UUID.randomUUID() + ".part"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make a temporary file in " + tmp() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Moves the checked temporary file into place as the blob of {@code hex}: fsynced first, renamed, the directory
     * fsynced. When the blob is already there the temporary file is removed and the blob left as it is.
     */
    public Commit commit(Path temp, String hex) {
        Path target = blob(hex);
        try {
            if (Files.exists(target)) {
                Files.deleteIfExists(temp);
                return Commit.EXISTED;
            }
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            // rename(2): of two uploads of the same blob racing here, the second replaces the first's identical bytes
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            try (FileChannel dir = FileChannel.open(blobs(), StandardOpenOption.READ)) {
                dir.force(true);
            }
            return Commit.NEW;
        } catch (IOException e) {
            discard(temp);
            throw new UncheckedIOException("cannot store blob " + hex + ": " + e.getMessage(), e);
        }
    }

    /** Removes a temporary file that is not to be kept (a digest mismatch, a refused archive, a broken upload). */
    public void discard(Path temp) {
        try {
            Files.deleteIfExists(temp);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + temp + ": " + e.getMessage(), e);
        }
    }

    private static void deleteTree(Path path) throws IOException {
        try (Stream<Path> walk = Files.walk(path)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private Path blobs() {
        return root.resolve("blobs").resolve("sha256");
    }

    Path tmp() {
        return root.resolve("tmp");
    }
}
