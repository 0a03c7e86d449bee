package io.gantry.runbooks;

import io.gantry.testkit.CliJvm;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** The repository the runner works in: its runbooks, the built launcher jar, and the {@code gantry} command blocks run. */
final class Repo {
    private Repo() {
    }

    /** The repository's root: {@code -Dgantry.repo} (the pom sets it), else the first parent of the working directory with ops-runbooks/. */
    static Path root() {
        String set = System.getProperty("gantry.repo");
        if (set != null && !set.isBlank()) {
            return Path.of(set).toAbsolutePath().normalize();
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("ops-runbooks")) && Files.isRegularFile(p.resolve("pom.xml"))) {
                return p;
            }
        }
        throw new IllegalStateException("cannot find the repository (no ops-runbooks/ above " + Path.of("").toAbsolutePath() + ")");
    }

    static Path runbooks() {
        return root().resolve("ops-runbooks");
    }

    /** platform/target/gantry.jar, which the reactor builds (platform's package phase) before this module's tests. */
    static Path jar() {
        Path jar = root().resolve("platform/target/gantry.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: build the platform first (./mvnw -B verify builds it before ops-runbooks)");
        }
        return jar;
    }

    static Path java() {
        return Path.of(System.getProperty("java.home"), "bin", "java");
    }

    /** Writes {@code bin/gantry}, which runs the built jar with this JVM's java, and returns {@code bin}. */
    static Path gantryCommand(Path bin) {
        try {
            Files.createDirectories(bin);
            Path gantry = bin.resolve("gantry");
            // each command is a short JVM, and runbooks run dozens of them
            Files.writeString(gantry, "#!/bin/sh\n# the gantry launcher the runbook runner puts first on PATH\nexec "
                    + BlockScript.quote(java().toString()) + " " + String.join(" ", CliJvm.OPTIONS) + " -jar " + BlockScript.quote(jar().toString())
                    + " \"$@\"\n");
            Files.setPosixFilePermissions(gantry, PosixFilePermissions.fromString("rwxr-xr-x"));
            return bin;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
