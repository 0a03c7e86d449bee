package io.gantry.agent.image;

import io.gantry.agent.ZoneBackend;
import io.gantry.common.GantryException;
import io.gantry.common.Image;
import io.gantry.common.coord.TaskResult.MadeImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A stopped zone made an image: its root exported to a temporary tar file ({@link ZoneBackend#exportRoot}), imported
 * into this node's own {@link ImageStore} (so a new machine of the image can run here at once, and the image passes
 * the same checks as any other), then uploaded to an image store for the other nodes. The file's sha256 is the
 * image's id everywhere. The temporary file is removed however it ends.
 */
public final class ZoneImageMaker implements ImageMaker {
    private static final Logger LOG = LoggerFactory.getLogger(ZoneImageMaker.class);

    private final ZoneBackend backend;
    private final ImageStore store;
    private final Path workDir;
    private final ImageUpload upload;

    public ZoneImageMaker(ZoneBackend backend, ImageStore store, Path workDir, ImageUpload upload) {
        this.backend = backend;
        this.store = store;
        this.workDir = workDir;
        this.upload = upload;
    }

    @Override
    public MadeImage make(UUID zone) {
        Path tarball;
        try {
            Files.createDirectories(workDir);
            tarball = Files.createTempFile(workDir, "image-" + zone + "-", ".tar");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            backend.exportRoot(zone, tarball);
            String digest = ImageStore.sha256(tarball);
            long size = Files.size(tarball);
            Image image = store.importTarball(tarball, nodeName(digest));
            if (!image.id().equals(digest)) {
                throw GantryException.internal("the node's image store named the image " + image.id() + ", not its file's sha256 " + digest);
            }
            URI base = upload.upload(tarball, digest);
            LOG.info("zone {}: made image {} ({} bytes), uploaded to {}", zone, digest, size, base);
            return new MadeImage(digest, size);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            try {
                Files.deleteIfExists(tarball);
            } catch (IOException e) {
                LOG.warn("cannot remove the temporary image file {}: {}", tarball, e.toString());
            }
        }
    }

    /** The name the node's store knows a made image by (its names are unique per node; the digest makes it so). */
    static String nodeName(String digest) {
        return "made-" + digest.substring(0, 16);
    }
}
