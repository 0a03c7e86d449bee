package io.gantry.provisioner;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Tells the leader that something changed (a job was queued, a result or a node came or went) so it
 * looks again now rather than at its next poll. Wake-ups that come while the leader is busy are not
 * lost, and any number of them make one more pass, not one each.
 */
public final class Wakeups {
    private final Semaphore permits = new Semaphore(0);

    public void wake() {
        if (permits.availablePermits() == 0) {
            permits.release(); // two threads racing here leave two permits: await drains them
        }
    }

    /** Waits until woken or {@code timeout} passes; true if woken. Every wake-up until now is used up. */
    public boolean await(Duration timeout) throws InterruptedException {
        boolean woken = permits.tryAcquire(timeout.toNanos(), TimeUnit.NANOSECONDS);
        permits.drainPermits();
        return woken;
    }
}
