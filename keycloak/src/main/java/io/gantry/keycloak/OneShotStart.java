package io.gantry.keycloak;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Starts Keycloak in dev mode once, in the launch mode that exits right after the start, and waits.
 * In a fresh distribution that does Keycloak's one-time Quarkus augmentation for dev mode (the
 * distribution ships built for production, and {@code kc.sh build} refuses the dev profile), so later
 * dev-mode starts with only run-time options skip the ~20 s rebuild. Either way it leaves an H2
 * database with Keycloak's schema and master realm in {@code <home>/data/h2} (Keycloak's other early
 * exit, {@code exit_before_bootstrap}, leaves the master realm out).
 */
final class OneShotStart {
    private static final Duration TIMEOUT = Duration.ofMinutes(5);

    private OneShotStart() {
    }

    static void run(Path home, Consumer<String> progress) throws IOException {
        Path log = home.resolve("one-shot-start.log");
        int port = FreePort.onLoopback();
        Process p = KcScript.startDev(home, port, log, List.of("-Dkc.launch.mode=exit_after_start")).start();
        try {
            if (!p.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                ProcessTree.terminate(p.toHandle(), Duration.ofSeconds(20));
                throw new IOException("Keycloak's one-shot start in " + home + " did not end within " + TIMEOUT.toMinutes()
                        + " minutes; " + LogTail.of(log, 30));
            }
            if (p.exitValue() != 0) {
                throw new IOException("Keycloak's one-shot start in " + home + " failed (exit " + p.exitValue() + "); "
                        + LogTail.of(log, 30));
            }
        } catch (InterruptedException e) {
            ProcessTree.terminate(p.toHandle(), Duration.ofSeconds(20));
            Thread.currentThread().interrupt();
            throw new IOException("interrupted during Keycloak's one-shot start", e);
        }
        java.nio.file.Files.deleteIfExists(log);
    }
}
