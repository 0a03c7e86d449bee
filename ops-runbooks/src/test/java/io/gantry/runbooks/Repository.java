package io.gantry.runbooks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** The Gantry checkout the tests run in, found upwards from the working directory by its built launcher. */
final class Repository {
    private Repository() {
    }

    static Optional<Path> root() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("platform/target/gantry.jar")) && Files.isDirectory(p.resolve("ops-runbooks"))) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }
}
