package io.gantry.keycloak;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two JVMs that need the cache at the same moment (tests while a gantry dev starts): it is made once, whole. */
class KeycloakCacheTwoJvmsTest {
    @TempDir
    Path root;

    @Test
    void twoJvmsMakeTheCacheOnceAndBothUseIt() throws Exception {
        Process first = makeCache();
        Process second = makeCache();
        String one = output(first);
        String two = output(second);

        Path cache = root.resolve("keycloak-" + KeycloakDistribution.VERSION);
        assertThat(one).endsWith("home " + cache + "\n");
        assertThat(two).endsWith("home " + cache + "\n");
        assertThat(Stream.of(one, two).filter(out -> out.contains("Keycloak: unpacking"))).as(one + "\n--\n" + two).hasSize(1);
        assertThat(Stream.of(one, two).filter(out -> out.contains("waiting for it"))).hasSize(1);
        assertThat(cache.resolve("bin/kc.sh")).isExecutable();
        assertThat(KeycloakDistribution.databaseTemplate(cache)).isPresent();
        assertThat(cache.resolve("data")).doesNotExist();
        try (Stream<Path> left = Files.list(root)) {
            assertThat(left.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder(cache.getFileName().toString(), cache.getFileName() + ".lock");
        }
    }

    private Process makeCache() throws Exception {
        return new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), MakeKeycloakCache.class.getName(), root.toString())
                .redirectErrorStream(true).start();
    }

    private static String output(Process jvm) throws Exception {
        String out = new String(jvm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(jvm.waitFor(10, TimeUnit.MINUTES)).isTrue();
        assertThat(jvm.exitValue()).as(out).isZero();
        return out;
    }
}
