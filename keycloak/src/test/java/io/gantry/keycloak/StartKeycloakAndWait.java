package io.gantry.keycloak;

import java.nio.file.Path;
import java.util.List;

/** A JVM that starts Keycloak in {@code args[0]} on port {@code args[1]}, prints its PID and waits to be ended. */
public final class StartKeycloakAndWait {
    private StartKeycloakAndWait() {
    }

    public static void main(String[] args) throws Exception {
        KeycloakServer server = KeycloakServer.start(Path.of(args[0]), Integer.parseInt(args[1]),
                DevRealm.standard("s", List.of("http://127.0.0.1:7070/callback"), List.of()), line -> { });
        System.out.println("keycloak-pid " + server.pid());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
