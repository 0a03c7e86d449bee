package io.gantry.platform;

import java.util.concurrent.CountDownLatch;

/** How a long-running command waits: it says it runs, then blocks until SIGTERM or Ctrl-C, and says it stops. */
final class UntilStopped {
    private UntilStopped() {
    }

    static int await(String running, String stopping) throws InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println(stopping);
            stopped.countDown();
        }));
        System.out.println(running);
        stopped.await();
        return ExitCodes.OK;
    }
}
