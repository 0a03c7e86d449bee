package io.gantry.agent.runc;

import io.gantry.agent.host.Cmd;
import io.gantry.common.GantryException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A zone's snapshots: copies of its overlay's upper dir (everything the zone changed of its image) kept on the zone's
 * own loop disk, {@code <disk>/snapshots/<name>}, so they count against the zone's disk quota, the tenant's disk.
 * {@code cp -a} keeps owners, modes, times, hard links, xattrs (overlay's opaque dirs) and the character devices that
 * are overlay's whiteouts; the image below is read-only and shared, so the upper dir is the whole of what differs.
 *
 * <p>Crash safety: a snapshot is copied to {@code .partial-<name>} and renamed into place, and removed by renaming it
 * to {@code .gone-<name>} first, so a snapshot is whole or absent; a rollback copies the snapshot to
 * {@code rollback.partial} and swaps it in with two renames (where the disk has no room for that copy, the current
 * files are removed first and the snapshot copied in their place, under a marker naming it). {@link #finishInterrupted} (run whenever the disk is
 * mounted, before the overlay is) removes what an interrupted step left and finishes a swap half done. Names start with
 * a letter or digit (the cloud API checks), so no snapshot is ever named like a leftover.
 */
final class ZoneSnapshots {
    private static final Logger LOG = LoggerFactory.getLogger(ZoneSnapshots.class);
    /** A copy of a big disk takes a while; the zone stays frozen for it when it runs. */
    private static final Duration COPY_TIMEOUT = Duration.ofMinutes(30);
    private static final String PARTIAL = ".partial-";
    private static final String GONE = ".gone-";

    private ZoneSnapshots() {
    }

    static Path dir(ZoneLayout zone) {
        return zone.diskMount().resolve("snapshots");
    }

    static Path of(ZoneLayout zone, String name) {
        if (name == null || !name.matches("[A-Za-z0-9][A-Za-z0-9._:-]{0,63}")) {
            throw GantryException.invalid("'" + name + "' is not a snapshot name");
        }
        return dir(zone).resolve(name);
    }

    private static Path rollbackPartial(ZoneLayout zone) {
        return zone.diskMount().resolve("rollback.partial");
    }

    private static Path oldUpper(ZoneLayout zone) {
        return zone.diskMount().resolve("upper.old");
    }

    /**
     * Copies the upper dir (the disk must be mounted) to snapshot {@code name} and answers the bytes it takes on the disk;
     * {@code freeze} and {@code thaw} bracket the copy (the running zone paused, so the copy is of one moment). One already
     * there is answered as it is. A copy that does not fit leaves nothing and is refused with how much was free.
     */
    static long create(ZoneLayout zone, String name, Runnable freeze, Runnable thaw) {
        Path target = of(zone, name);
        if (Files.isDirectory(target)) {
            return bytesOf(target);
        }
        Path partial = dir(zone).resolve(PARTIAL + name);
        try {
            Files.createDirectories(dir(zone));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        removeTree(partial);
        long free = zone.diskMount().toFile().getUsableSpace();
        Cmd.Result copy;
        freeze.run();
        try {
            copy = copyTree(zone.upper(), partial);
        } finally {
            thaw.run();
        }
        if (!copy.ok()) {
            removeTree(partial);
            if (copy.stderr().contains("No space left")) {
                throw GantryException.invalid("snapshot '" + name + "' of zone " + zone.uuid() + " does not fit on the zone's disk: "
                        + bytesOf(zone.upper()) / (1024 * 1024) + " MiB to copy, " + free / (1024 * 1024)
                        + " MiB free (snapshots count against the machine's disk)");
            }
            copy.orThrow();
        }
        try {
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            removeTree(partial);
            throw new UncheckedIOException(e);
        }
        Cmd.run("sync", "-f", target.toString());
        return bytesOf(target);
    }

    /** Removes snapshot {@code name}; one that is not there is removed already. */
    static void delete(ZoneLayout zone, String name) {
        Path snapshot = of(zone, name);
        if (!Files.exists(snapshot)) {
            return;
        }
        Path gone = dir(zone).resolve(GONE + name);
        removeTree(gone);
        try {
            Files.move(snapshot, gone, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        removeTree(gone);
    }

    /** The names of the zone's whole snapshots. */
    static List<String> names(ZoneLayout zone) {
        if (!Files.isDirectory(dir(zone))) {
            return List.of();
        }
        try (Stream<Path> all = Files.list(dir(zone))) {
            return all.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Makes the upper dir (the disk mounted, the overlay not) a copy of snapshot {@code name}, with a fresh work dir; the
     * snapshot stays. The copy is staged beside the current files and swapped in; where the disk has no room for it,
     * the current files are removed first and the snapshot copied in their place (it fitted on this disk once).
     */
    static void rollBack(ZoneLayout zone, String name) {
        Path snapshot = of(zone, name);
        if (!Files.isDirectory(snapshot)) {
            throw GantryException.notFound("zone " + zone.uuid() + " has no snapshot '" + name + "'");
        }
        Path staged = rollbackPartial(zone);
        removeTree(staged);
        Cmd.Result copy = copyTree(snapshot, staged);
        if (!copy.ok()) {
            removeTree(staged);
            if (!copy.stderr().contains("No space left")) {
                copy.orThrow();
            }
            // no room for the copy beside the current files: those go first, and a crash from here on is finished by
            // finishInterrupted from the marker (the snapshot itself is untouched, so the copy can always be made again)
            LOG.info("zone {}: no room to stage snapshot '{}' beside the current files; replacing them in place", zone.uuid(), name);
            markInPlace(zone, name);
            rollBackInPlace(zone, name);
            return;
        }
        try {
            Files.move(zone.upper(), oldUpper(zone), StandardCopyOption.ATOMIC_MOVE);
            Files.move(staged, zone.upper(), StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        removeTree(oldUpper(zone));
        freshWork(zone);
        Cmd.run("sync", "-f", zone.upper().toString());
    }

    private static final String IN_PLACE = "rollback.in-place-";

    /** An empty file whose name says which snapshot a rollback in place copies back: made on a full disk too (no data block). */
    private static Path inPlaceMarker(ZoneLayout zone, String name) {
        return zone.diskMount().resolve(IN_PLACE + name);
    }

    private static void markInPlace(ZoneLayout zone, String name) {
        try {
            Files.createFile(inPlaceMarker(zone, name));
        } catch (java.nio.file.FileAlreadyExistsException e) {
            // a retry
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Cmd.run("sync", "-f", zone.diskMount().toString());
    }

    /** Removes the current files, then copies the snapshot in their place; the marker goes once the copy is whole. */
    private static void rollBackInPlace(ZoneLayout zone, String name) {
        removeTree(zone.upper());
        Cmd.Result copy = copyTree(of(zone, name), zone.upper());
        if (!copy.ok()) {
            // the snapshot fitted on this disk once; if it no longer does, the marker stays and the next mount tries again
            throw GantryException.internal("zone " + zone.uuid() + " could not copy snapshot '" + name + "' back: "
                    + copy.stderr().strip());
        }
        freshWork(zone);
        Cmd.run("sync", "-f", zone.upper().toString());
        try {
            Files.delete(inPlaceMarker(zone, name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void freshWork(ZoneLayout zone) {
        removeTree(zone.work()); // overlay's scratch space belongs to the upper dir it was mounted with
        try {
            Files.createDirectories(zone.work());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * After a crash (the disk mounted, the overlay not): finishes a rollback whose swap was half done, or undoes one
     * that had not begun it, and removes partial and half-removed snapshots.
     */
    static void finishInterrupted(ZoneLayout zone) {
        Path staged = rollbackPartial(zone);
        Path old = oldUpper(zone);
        try (Stream<Path> all = Files.list(zone.diskMount())) {
            for (Path marker : all.filter(p -> p.getFileName().toString().startsWith(IN_PLACE)).toList()) {
                String name = marker.getFileName().toString().substring(IN_PLACE.length());
                LOG.warn("zone {}: finishing a rollback in place to '{}' interrupted by a crash", zone.uuid(), name);
                rollBackInPlace(zone, name);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            if (!Files.exists(zone.upper()) && Files.isDirectory(old)) {
                // crashed between the two renames: the staged copy is whole (it was renamed only after the copy)
                LOG.warn("zone {}: finishing a rollback interrupted by a crash", zone.uuid());
                Files.move(staged, zone.upper(), StandardCopyOption.ATOMIC_MOVE);
                removeTree(zone.work());
                Files.createDirectories(zone.work());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        removeTree(staged);
        removeTree(old);
        if (Files.isDirectory(dir(zone))) {
            try (Stream<Path> all = Files.list(dir(zone))) {
                all.filter(p -> p.getFileName().toString().startsWith(".")).forEach(ZoneSnapshots::removeTree);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static Cmd.Result copyTree(Path from, Path to) {
        // -a: owners, modes, times, links, xattrs (trusted.overlay.*), devices (whiteouts); --no-target-directory: to IS the copy
        return Cmd.run(List.of("cp", "-a", "--no-target-directory", from.toString(), to.toString()), null, COPY_TIMEOUT);
    }

    /** The bytes a tree takes on its disk (allocated blocks, each hard-linked file once). */
    static long bytesOf(Path tree) {
        String out = Cmd.run(List.of("du", "-s", "-x", "-B1", tree.toString()), null, COPY_TIMEOUT).orThrow().stdout().trim();
        return Long.parseLong(out.split("\\s+")[0]);
    }

    private static void removeTree(Path p) {
        if (Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            Cmd.run(List.of("rm", "-rf", "--one-file-system", p.toString()), null, COPY_TIMEOUT).orThrow();
        }
    }
}
