package io.gantry.keycloak;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The command line of Keycloak's {@code bin/kc.sh start-dev} on 127.0.0.1: run by the Java of this
 * JVM, with the JIT limited to C1 (a faster start), and none of the caller's Keycloak, Quarkus or JVM-option variables (a developer's
 * {@code KC_DB} or {@code JAVA_OPTS} must not change what the dev realm runs on), stdin from
 * /dev/null and stdout and stderr into one log file.
 */
final class KcScript {
    private static final List<String> DROPPED_PREFIXES = List.of("KC_", "KEYCLOAK_", "QUARKUS_", "JAVA_OPTS", "JAVA_ADD_OPENS",
            "JAVA_LOCALE", "DEBUG", "PRINT_ENV");

    static final String JIT_OPTIONS = "-XX:TieredStopAtLevel=1";

    private KcScript() {
    }

    static ProcessBuilder startDev(Path home, int httpPort, Path log, List<String> options) {
        List<String> command = new ArrayList<>();
        command.add(home.resolve("bin/kc.sh").toString());
        command.add("start-dev");
        command.add("--http-host=127.0.0.1");
        command.add("--http-port=" + httpPort);
        command.addAll(options);
        ProcessBuilder pb = new ProcessBuilder(command).directory(home.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(name -> DROPPED_PREFIXES.stream().anyMatch(name::startsWith) || name.equals("JAVA"));
        env.put("JAVA_HOME", System.getProperty("java.home"));
        // C1 only: a start takes 10-16 s instead of 20-23 s on two cores (measured, see KeycloakServer);
        // the few token requests of dev and tests are no slower
        env.put("JAVA_OPTS_APPEND", JIT_OPTIONS);
        return pb;
    }
}
