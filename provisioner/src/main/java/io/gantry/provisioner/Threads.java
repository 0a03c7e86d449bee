package io.gantry.provisioner;

import java.time.Duration;

/** Stopping the provisioner's own worker threads. */
public final class Threads {
    private Threads() {
    }

    /**
     * Interrupts the thread and waits for it to end, at most {@code timeout}; an interrupt of the caller while it waits is kept
     * for the caller to see.
     */
    public static void interruptAndJoin(Thread thread, Duration timeout) {
        thread.interrupt();
        try {
            thread.join(timeout.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
