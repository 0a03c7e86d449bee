package io.gantry.testkit;

import java.util.List;

/**
 * The JVM options tests give a Gantry command that answers and exits, as the {@code gantry} launcher does: the client
 * compiler only and the serial collector, which cut such a JVM's CPU by about 40% (most of it is the JVM's start).
 */
public final class CliJvm {
    public static final List<String> OPTIONS = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");

    private CliJvm() {
    }
}
