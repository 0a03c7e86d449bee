package io.gantry.agent.image;

import io.gantry.agent.host.Cmd;
import io.gantry.common.GantryException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Unpacks an image file of any {@link ImageArchive.Format} into an empty directory: checks all of
 * it first ({@link ImageArchive#inspect}), then applies the layers in order with GNU tar, whiteouts
 * removing what lower layers put there, and finally checks that the result can be a zone's root
 * ({@link ZoneRootCheck}). A layered image must be for Linux on this host's architecture. The
 * archive must not change while it is unpacked (the image store unpacks its own copy).
 */
public final class RootfsBuilder {
    private static final Duration UNPACK_TIMEOUT = Duration.ofMinutes(10);

    private RootfsBuilder() {
    }

    public static ImageArchive unpack(Path archive, Path rootfsDir) {
        return unpack(archive, rootfsDir, archive.toString(), line -> { });
    }

    /**
     * @param shownAs  how errors name the archive
     * @param progress receives one line per step of a long import ("layer 2/5 sha256:abcd… 34 MiB")
     */
    public static ImageArchive unpack(Path archive, Path rootfsDir, String shownAs, Consumer<String> progress) {
        requireEmptyDirectory(rootfsDir);
        try (ArchiveReader reader = ArchiveReader.open(archive, shownAs)) {
            ArchiveReader.Checked checked = reader.check(progress);
            ImageArchive image = checked.archive();
            if (image.format() == ImageArchive.Format.ROOTFS_TARBALL) {
                untar(archive, rootfsDir, shownAs);
            } else {
                requireRunsHere(image, shownAs);
                checked.apply(rootfsDir, progress);
            }
            ZoneRootCheck.requireUsable(rootfsDir, shownAs);
            return image;
        }
    }

    /** The architecture as OCI names it ("amd64", "arm64"), of the JVM's host. */
    public static String hostArchitecture() {
        String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        return switch (arch) {
            case "x86_64", "amd64" -> "amd64";
            case "aarch64", "arm64" -> "arm64";
            default -> arch;
        };
    }

    private static void requireRunsHere(ImageArchive image, String shownAs) {
        if (!"linux".equals(image.os()) || !hostArchitecture().equals(image.architecture())) {
            throw GantryException.invalid("refusing " + shownAs + ": it is an image for " + image.platform()
                    + "; this node runs linux/" + hostArchitecture());
        }
    }

    private static void requireEmptyDirectory(Path dir) {
        try (Stream<Path> children = Files.list(dir)) {
            if (children.findAny().isPresent()) {
                throw new IllegalArgumentException(dir + " is not empty");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot unpack an image into " + dir, e);
        }
    }

    /** A root filesystem tarball in one go; TarballCheck has judged it. */
    private static void untar(Path tarball, Path rootfs, String shownAs) {
        Cmd.Result tar = Cmd.run(List.of("tar", "-x", "--numeric-owner", "-f", tarball.toString(), "-C", rootfs.toString()),
                null, UNPACK_TIMEOUT);
        if (!tar.ok()) {
            throw GantryException.internal("tar cannot unpack " + shownAs + ": " + tar.stderr().strip().lines().findFirst().orElse("exit " + tar.exitCode()));
        }
        refuseStrippedNames(tar.stderr(), shownAs);
    }

    /** Names the check could not see as they are (commons-compress strips a leading '/' of PAX and GNU long names). */
    static void refuseStrippedNames(String tarStderr, String shownAs) {
        tarStderr.lines().filter(line -> line.contains("Removing leading")).findFirst().ifPresent(line -> {
            throw GantryException.invalid("refusing " + shownAs + ": it has entries with an absolute path (" + line.strip() + ")");
        });
    }
}
