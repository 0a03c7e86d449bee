package io.gantry.platform;

import io.gantry.agent.host.Cmd;
import io.gantry.agent.image.ImageStore;
import io.gantry.cloudapi.imagestore.ArchiveCheck;
import io.gantry.common.GantryException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Checks an operator's upload as a node will import it: {@link ImageStore#importTarball} into a scratch image store
 * under {@code scratch}, removed afterwards whatever the outcome. What a node would refuse (not an archive, a hostile
 * path or link, no usable root) is refused here with the node's reason.
 */
final class NodeArchiveCheck implements ArchiveCheck {
    private final Path scratch;

    NodeArchiveCheck(Path scratch) {
        this.scratch = scratch;
    }

    @Override
    public void check(Path archive) {
        Path dir;
        try {
            Files.createDirectories(scratch);
            dir = Files.createTempDirectory(scratch, "check-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make scratch space in " + scratch + " to check an image: " + e.getMessage(), e);
        }
        try {
            new ImageStore(dir.resolve("images")).importTarball(archive, "upload");
        } catch (GantryException e) {
            // the node's reason names the file it was given: here a temporary file of the store, not the operator's
            throw new GantryException(e.code(), e.getMessage().replace(archive.toString(), "the uploaded file"));
        } finally {
            Cmd.run("rm", "-rf", "--one-file-system", dir.toString());
        }
    }
}
