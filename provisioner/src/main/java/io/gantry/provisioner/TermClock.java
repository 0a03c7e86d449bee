package io.gantry.provisioner;

import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Times a leader's term start, from the moment the latch said "you lead" to its first committed job step, phase by
 * phase, and logs the breakdown once at that first step ({@code term start: ...}): where a failover's time goes.
 */
final class TermClock {
    private static final Logger LOG = LoggerFactory.getLogger(TermClock.class);

    private final long start = System.nanoTime();
    private final StringBuilder phases = new StringBuilder();
    private final AtomicBoolean stepped = new AtomicBoolean();
    private long last = start;

    /** The phase that just ended, e.g. "bookings read". */
    synchronized void mark(String phase) {
        if (stepped.get()) {
            return;
        }
        long now = System.nanoTime();
        phases.append(phases.length() == 0 ? "" : ", ").append(phase).append(' ').append(ms(now - last)).append(" ms");
        last = now;
    }

    /** A job step was committed: the first one ends the term start and logs its breakdown. */
    void stepped(java.util.UUID job, String step) {
        if (!stepped.get()) {
            synchronized (this) {
                if (stepped.compareAndSet(false, true)) {
                    long now = System.nanoTime();
                    LOG.info("term start: first job step ({} of job {}) {} ms after the lead was won: {}, first pass until the step {} ms",
                            step, job, ms(now - start), phases, ms(now - last));
                }
            }
        }
    }

    private static long ms(long nanos) {
        return nanos / 1_000_000;
    }
}
