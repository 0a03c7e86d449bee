package io.gantry.provisioner.publish;

import io.gantry.provisioner.Sleep;
import io.gantry.provisioner.Threads;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The thread of a publisher that mirrors the record into ZooKeeper: it LISTENs on a PostgreSQL channel whose payloads
 * are ids (the triggers notify on commit) and hands each notified id to {@link Handler#changed}, at once; it calls
 * {@link Handler#sweep} when it starts, after every reconnection (what changed while no one listened) and every
 * {@code sweepEvery}, which repairs a lost notification. Errors drop both connections and are retried after a second.
 */
public final class NotifyLoop implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NotifyLoop.class);
    private static final Duration RETRY = Duration.ofSeconds(1);

    /** What the publisher does with the record's connection {@code db} (auto-commit on; leave it so). */
    public interface Handler {
        void sweep(Connection db) throws Exception;

        void changed(Connection db, UUID id) throws Exception;
    }

    private final String what;
    private final String channel;
    private final String url;
    private final String user;
    private final String password;
    private final Duration sweepEvery;
    private final Handler handler;
    private final Thread thread;
    private volatile boolean running = true;
    private Connection db;
    private Connection listener;

    /** {@code what} names the publisher in logs and its thread ("network views"). */
    public NotifyLoop(String what, String channel, String url, String user, String password, Duration sweepEvery, Handler handler) {
        this.what = what;
        this.channel = channel;
        this.url = url;
        this.user = user;
        this.password = password;
        this.sweepEvery = sweepEvery;
        this.handler = handler;
        this.thread = new Thread(this::run, "gantry-" + what.replace(' ', '-') + "-publisher");
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    /** False once closed: a long sweep stops early. */
    public boolean running() {
        return running;
    }

    private void run() {
        long nextSweep = 0;
        while (running) {
            try {
                if (listener == null) {
                    connect();
                    nextSweep = System.nanoTime(); // what changed while no one listened is found by a sweep
                }
                if (System.nanoTime() - nextSweep >= 0) {
                    handler.sweep(db);
                    nextSweep = System.nanoTime() + sweepEvery.toNanos();
                }
                long waitMs = Math.max(1, Math.min(1000, (nextSweep - System.nanoTime()) / 1_000_000));
                PGNotification[] got = listener.unwrap(PGConnection.class).getNotifications((int) waitMs);
                Set<UUID> ids = new LinkedHashSet<>();
                if (got != null) {
                    for (PGNotification n : got) {
                        parse(n.getParameter()).ifPresent(ids::add);
                    }
                }
                for (UUID id : ids) {
                    handler.changed(db, id);
                }
            } catch (Exception e) {
                if (running) {
                    LOG.warn("{}: {}; retrying in {} s", what, e.toString(), RETRY.toSeconds());
                    disconnect();
                    Sleep.quietly(RETRY);
                }
            }
        }
        disconnect();
    }

    private void connect() throws SQLException {
        db = DriverManager.getConnection(url, user, password);
        db.setAutoCommit(true);
        listener = DriverManager.getConnection(url, user, password);
        try (var st = listener.createStatement()) {
            st.execute("LISTEN " + channel);
        }
    }

    private void disconnect() {
        for (Connection c : new Connection[] {db, listener}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (SQLException ignored) {
                // closing a broken connection: nothing to save
            }
        }
        db = null;
        listener = null;
    }

    private Optional<UUID> parse(String payload) {
        try {
            return Optional.of(UUID.fromString(payload));
        } catch (IllegalArgumentException e) {
            LOG.warn("{}: ignoring a notification that names no id: '{}'", what, payload);
            return Optional.empty();
        }
    }

    /** Stops; returns once the thread has (or after at most five seconds). */
    @Override
    public void close() {
        running = false;
        Threads.interruptAndJoin(thread, Duration.ofSeconds(5));
    }
}
