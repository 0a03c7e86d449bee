package io.gantry.platform;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * How a long-running command waits: it says it runs, then blocks until SIGTERM or Ctrl-C, and says it stops. The JVM
 * halts as soon as its shutdown hooks have returned, whatever its other threads are still doing, so the hook that wakes
 * the command also holds the halt back until the command has closed what it started ({@link #closed()}, which main
 * calls once the command returned), for at most {@link #CLOSE_LIMIT}: a stop stays prompt when what the close talks to
 * (ZooKeeper, PostgreSQL) is already gone, and what is cut then is what a kill -9 would cut, which every role survives.
 */
final class UntilStopped {
    static final Duration CLOSE_LIMIT = Duration.ofSeconds(20);
    private static final CountDownLatch CLOSED = new CountDownLatch(1);

    private UntilStopped() {
    }

    static int await(String running, String stopping) throws InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println(stopping);
            stopped.countDown();
            try {
                if (!CLOSED.await(CLOSE_LIMIT.toMillis(), TimeUnit.MILLISECONDS)) {
                    System.out.println("gantry: still stopping after " + CLOSE_LIMIT.toSeconds() + " s; exiting without waiting longer");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "gantry-stop"));
        System.out.println(running);
        stopped.await();
        return ExitCodes.OK;
    }

    /** The command has returned: what it started is closed, and the JVM may halt. */
    static void closed() {
        CLOSED.countDown();
    }
}
