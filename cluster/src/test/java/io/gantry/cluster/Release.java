package io.gantry.cluster;

import java.nio.file.Path;

/** Where the repository and the built release (platform/target: gantry.jar and lib/) are. */
final class Release {
    private Release() {
    }

    static Path repo() {
        return Path.of(System.getProperty("gantry.repo", "..")).toAbsolutePath().normalize();
    }

    static Path dir() {
        return repo().resolve("platform/target");
    }
}
