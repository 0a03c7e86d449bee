package io.gantry.bench;

/** One way of running a zone-like container, measured by {@link ZoneLifecycleBench}. */
interface ZoneVariant extends AutoCloseable {
    String name();

    /** Work that is not part of a create (a prepared bundle, say); done before the clock starts. */
    default void prepare(int index) {
    }

    /** Creates container number {@code index} and returns once it runs; the result identifies it. */
    String createRunning(int index);

    /** Stops it (SIGTERM, a grace period, then SIGKILL) and removes it. */
    void stopAndDelete(String handle);

    /** Removes whatever this variant left behind. Safe to call twice, and after a failure. */
    @Override
    void close();
}
