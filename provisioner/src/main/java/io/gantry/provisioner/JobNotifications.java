package io.gantry.provisioner;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the cloud API's NOTIFY that a job was queued into a wake-up, on its own thread (and, in
 * {@link JobStore}, its own database connection). While the record cannot be reached the leader
 * still polls, so a lost notification only delays a job by one poll interval.
 */
final class JobNotifications implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(JobNotifications.class);
    private static final Duration WAIT = Duration.ofSeconds(1);

    private final JobRecords records;
    private final Wakeups wakeups;
    private final Thread thread;
    private volatile boolean running = true;

    JobNotifications(JobRecords records, Wakeups wakeups) {
        this.records = records;
        this.wakeups = wakeups;
        this.thread = new Thread(this::listen, "gantry-provisioner-job-notifications");
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    private void listen() {
        while (running) {
            try {
                if (records.awaitJobs(WAIT)) {
                    wakeups.wake();
                }
            } catch (Exception e) {
                if (running) {
                    LOG.debug("job notifications: {}; polling meanwhile", e.toString());
                    Sleep.quietly(Duration.ofSeconds(1));
                }
            }
        }
    }

    /** Stops listening; returns once the thread has (or after at most two seconds). */
    @Override
    public void close() {
        running = false;
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
