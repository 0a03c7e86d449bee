package io.gantry.keycloak;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;

/**
 * One Keycloak instance's own home directory, {@code <instanceDir>/home}: Keycloak keeps its H2
 * database, transaction logs and the realm to import under {@code <home>/data}, so each instance
 * needs a home of its own to run beside another. Everything else comes from the shared
 * distribution: {@code lib}, {@code conf}, {@code providers} and {@code themes} are symbolic links to
 * it, and only {@code bin/kc.sh} is a copy ({@code kc.sh} finds its home through {@code readlink -f}
 * of itself). Making one takes milliseconds, and since the links point at an augmented
 * distribution and the instance passes only run-time options, no start rebuilds anything.
 *
 * <p>The data directory is made afresh at every start, so the realm is always imported as given
 * (Keycloak's import skips a realm that exists): its database is a copy of the distribution's
 * template (schema and master realm made, no Gantry realm), when there is one.
 */
final class InstanceHome {
    static final String REALM_FILE = "gantry-realm.json";
    private static final List<String> SHARED = List.of("lib", "conf", "providers", "themes");

    private InstanceHome() {
    }

    /** A new home under {@code instanceDir} (any old one removed), with {@code realm} (may be null) to import. */
    static Path create(Path instanceDir, Path distribution, DevRealm realm) throws IOException {
        Path home = instanceDir.resolve("home");
        KeycloakDistribution.deleteTree(home);
        Files.createDirectories(home.resolve("bin"));
        Files.copy(distribution.resolve("bin/kc.sh"), home.resolve("bin/kc.sh"), StandardCopyOption.COPY_ATTRIBUTES);
        for (String dir : SHARED) {
            Files.createSymbolicLink(home.resolve(dir), distribution.toAbsolutePath().resolve(dir));
        }
        Path imports = Files.createDirectories(home.resolve("data/import"));
        Optional<Path> template = KeycloakDistribution.databaseTemplate(distribution);
        if (template.isPresent()) {
            Files.copy(template.get(), Files.createDirectories(home.resolve("data/h2")).resolve(KeycloakDistribution.DATABASE_FILE));
        }
        if (realm != null) {
            Files.writeString(imports.resolve(REALM_FILE), realm.json(), StandardCharsets.UTF_8);
        }
        return home;
    }
}
