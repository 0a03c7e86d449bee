package io.gantry.platform;

import java.time.Duration;

/**
 * Waits for an assertion to hold, trying it every 50 ms; the last failure is thrown once the time
 * is up. (Awaitility's untilAsserted in miniature: Awaitility is not on platform's test classpath.)
 */
final class Poll {
    private static final long EVERY_MS = 50;

    private Poll() {
    }

    interface Check {
        void run() throws Exception;
    }

    static void until(Duration timeout, Check check) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                check.run();
                return;
            } catch (AssertionError e) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("still not so after " + timeout.toMillis() + " ms: " + e.getMessage(), e);
                }
            } catch (Exception e) {
                throw new AssertionError(e);
            }
            try {
                Thread.sleep(EVERY_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting", e);
            }
        }
    }
}
