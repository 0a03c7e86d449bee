package io.gantry.keycloak;

import java.nio.file.Path;

/** A JVM that makes (or finds) the Keycloak cache under {@code args[0]}, printing its progress and then {@code home <dir>}. */
public final class MakeKeycloakCache {
    private MakeKeycloakCache() {
    }

    public static void main(String[] args) throws Exception {
        Path home = KeycloakDistribution.cached(Path.of(args[0]), KeycloakDistribution.tarball(), System.out::println);
        System.out.println("home " + home);
    }
}
