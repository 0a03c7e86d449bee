package io.gantry.keycloak;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A Keycloak still running from an instance home after the JVM that started it was killed
 * ({@code kill -9} leaves no chance for a shutdown hook): found by its command line, which names the
 * home's {@code bin/kc.sh} or {@code -Dkc.home.dir=<home>/bin/..}, and stopped before a new start in
 * the same directory, which would otherwise find its port taken. One whose {@code kc.sh} still has
 * a live Java parent belongs to a running launcher and is refused instead.
 */
final class LeftoverInstance {
    private LeftoverInstance() {
    }

    static void stopIn(Path home, Consumer<String> progress) throws IOException {
        String marker = home.toAbsolutePath() + "/bin/";
        List<ProcessHandle> leftovers = ProcessHandle.allProcesses()
                .filter(p -> p.pid() != ProcessHandle.current().pid())
                .filter(p -> p.info().commandLine().map(c -> c.contains(marker)).orElse(false))
                .toList();
        for (ProcessHandle p : leftovers) {
            Optional<ProcessHandle> owner = p.parent().filter(ProcessHandle::isAlive)
                    .filter(parent -> leftovers.stream().noneMatch(l -> l.pid() == parent.pid()))
                    .filter(parent -> parent.info().command().map(c -> c.endsWith("/java")).orElse(false));
            if (owner.isPresent()) {
                throw new IOException("the Keycloak in " + home + " belongs to a running process (pid " + owner.get().pid()
                        + "): is another Gantry using this directory?");
            }
        }
        for (ProcessHandle p : leftovers) {
            if (p.isAlive()) {
                progress.accept("Keycloak: stopping a Keycloak (pid " + p.pid() + ") left running in " + home + " by an earlier run");
                ProcessTree.terminate(p, Duration.ofSeconds(30));
            }
        }
    }
}
