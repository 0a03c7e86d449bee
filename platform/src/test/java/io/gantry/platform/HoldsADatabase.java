package io.gantry.platform;

import java.nio.file.Path;

/** A child JVM for tests: starts an {@link EmbeddedDatabase} on {@code <dataDir> <port>}, says "ready", and waits to be killed. */
final class HoldsADatabase {
    private HoldsADatabase() {
    }

    public static void main(String[] args) throws Exception {
        EmbeddedDatabase.start(Path.of(args[0]), Integer.parseInt(args[1]));
        System.out.println("ready");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
