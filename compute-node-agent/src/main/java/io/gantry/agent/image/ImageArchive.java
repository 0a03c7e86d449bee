package io.gantry.agent.image;

import java.nio.file.Path;
import java.util.List;

/**
 * What an image file is, read and checked without unpacking it: a root filesystem tarball, a
 * {@code docker save} archive (the classic layout with {@code <id>/layer.tar} and the newer one
 * with its layers under {@code blobs/sha256}), or an OCI image layout packed as a tar. For the
 * layered kinds every blob is checked against its sha256 name or descriptor, every layer's
 * uncompressed tar against the config's {@code rootfs.diff_ids}, and every entry of every layer
 * as {@link LayerTree} judges it (nothing may land outside the root, also across layers). Any
 * failure is an InvalidArgument {@link io.gantry.common.GantryException} with a one-line reason.
 *
 * @param os           the config's os ("linux"); null for a root filesystem tarball, which does not say
 * @param architecture the config's architecture ("amd64", "arm64"…); null for a root filesystem tarball
 * @param layers       in the order they are applied; empty for a root filesystem tarball
 */
public record ImageArchive(Format format, String os, String architecture, List<Layer> layers) {

    public enum Format { ROOTFS_TARBALL, DOCKER_ARCHIVE, OCI_LAYOUT }

    /**
     * @param digest    "sha256:…" of the layer's blob as stored (compressed or not)
     * @param diffId    "sha256:…" of its uncompressed tar, as the config lists it
     * @param sizeBytes the blob's size
     */
    public record Layer(String digest, String diffId, long sizeBytes) {
    }

    public ImageArchive {
        layers = List.copyOf(layers);
    }

    /** Reads and checks {@code archive}; its format is told from its content, not its name. */
    public static ImageArchive inspect(Path archive) {
        try (ArchiveReader reader = ArchiveReader.open(archive, archive.toString())) {
            return reader.check(line -> { }).archive();
        }
    }

    /** "linux/amd64", or null when the archive does not say. */
    public String platform() {
        return os == null ? null : os + "/" + architecture;
    }
}
