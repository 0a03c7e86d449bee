package io.gantry.cluster;

/** Sleeps that turn an interrupt into an unchecked failure (the tests' loops poll the cluster). */
final class Pause {
    private Pause() {
    }

    static void millis(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
