package io.gantry.keycloak;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeycloakDistributionTest {
    @TempDir
    Path dir;

    @Test
    void aMissingTarballSaysHowToGetIt() {
        Path missing = dir.resolve("repo/keycloak-quarkus-dist-" + KeycloakDistribution.VERSION + ".tar.gz");
        List<String> progress = new ArrayList<>();
        assertThatThrownBy(() -> KeycloakDistribution.cached(dir.resolve("cache"), missing, progress::add))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(missing.toString())
                .hasMessageContaining("./mvnw -B -pl keycloak dependency:resolve")
                .hasMessageContaining("GANTRY_KEYCLOAK_HOME");
        assertThat(dir.resolve("cache/keycloak-" + KeycloakDistribution.VERSION)).doesNotExist();
    }

    @Test
    void aReadyCacheIsUsedAsItIsAndHalfMadeOnesAreNot() throws IOException {
        Path cache = Files.createDirectories(dir.resolve("cache/keycloak-" + KeycloakDistribution.VERSION));
        Path missing = dir.resolve("nothing.tar.gz");
        // a directory without the ready marker (say, made by hand) is not trusted: it would be made again
        assertThatThrownBy(() -> KeycloakDistribution.cached(dir.resolve("cache"), missing, line -> { }))
                .hasMessageContaining("not in the local Maven repository");
        Files.createDirectories(cache);
        Files.writeString(cache.resolve(".gantry-ready"), KeycloakDistribution.VERSION);
        Files.createDirectories(cache.resolve("gantry-database-template"));
        Files.writeString(cache.resolve("gantry-database-template/" + KeycloakDistribution.DATABASE_FILE), "h2");
        assertThat(KeycloakDistribution.cached(dir.resolve("cache"), missing, line -> { })).isEqualTo(cache);
    }

    @Test
    void theVersionIsTheOneThePomNames() {
        assertThat(KeycloakDistribution.VERSION).isEqualTo("26.7.3");
        assertThat(KeycloakDistribution.tarball().toString())
                .endsWith("org/keycloak/keycloak-quarkus-dist/26.7.3/keycloak-quarkus-dist-26.7.3.tar.gz");
    }
}
