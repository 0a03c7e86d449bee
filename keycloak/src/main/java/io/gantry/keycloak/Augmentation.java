package io.gantry.keycloak;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Keycloak's one-time Quarkus augmentation for dev mode, done in a fresh distribution: the
 * distribution ships built for production, and {@code kc.sh build} refuses the dev profile, so it is
 * started once in dev mode with the launch mode that exits right after start. Later dev-mode starts
 * with only run-time options then skip the ~20 s rebuild.
 */
final class Augmentation {
    private static final Duration TIMEOUT = Duration.ofMinutes(5);

    private Augmentation() {
    }

    static void run(Path home, Consumer<String> progress) throws IOException {
        Path log = home.resolve("augmentation.log");
        int port = FreePort.onLoopback();
        Process p = KcScript.startDev(home, port, log, List.of("-Dkc.launch.mode=exit_before_bootstrap")).start();
        try {
            if (!p.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                ProcessTree.terminate(p.toHandle(), Duration.ofSeconds(20));
                throw new IOException("Keycloak's augmentation in " + home + " did not end within " + TIMEOUT.toMinutes()
                        + " minutes; " + LogTail.of(log, 30));
            }
            if (p.exitValue() != 0) {
                throw new IOException("Keycloak's augmentation in " + home + " failed (exit " + p.exitValue() + "); "
                        + LogTail.of(log, 30));
            }
        } catch (InterruptedException e) {
            ProcessTree.terminate(p.toHandle(), Duration.ofSeconds(20));
            Thread.currentThread().interrupt();
            throw new IOException("interrupted during Keycloak's augmentation", e);
        }
        progress.accept("Keycloak: augmentation done");
        java.nio.file.Files.deleteIfExists(log);
    }
}
