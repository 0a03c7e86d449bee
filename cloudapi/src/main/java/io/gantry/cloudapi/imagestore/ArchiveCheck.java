package io.gantry.cloudapi.imagestore;

import java.nio.file.Path;

/**
 * Whether an uploaded archive is an image a node can run: unpacked the node's way in scratch space and refused (an
 * InvalidArgument {@link io.gantry.common.GantryException}) when hostile or unusable. Blocking.
 */
@FunctionalInterface
public interface ArchiveCheck {
    void check(Path archive);
}
