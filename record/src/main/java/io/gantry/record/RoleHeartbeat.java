package io.gantry.record;

import io.gantry.common.GantryVersion;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * One instance of a control-plane role saying it is alive: its row of {@code role_heartbeats} (role, instance,
 * address, version, when it started, whether it leads) rewritten every {@code interval} on a thread of its own,
 * over plain JDBC. The operators' health report reads the rows; a row not rewritten lately is a stale instance.
 * A clean close deletes the row, and so does a SIGTERM at any moment after the start (a shutdown hook closes it: the
 * role's own closing may not finish before the JVM halts, or may not have begun, when the signal comes during its
 * start). A beat that cannot reach the database is logged once and retried at the next one.
 */
public final class RoleHeartbeat implements AutoCloseable {
    public static final Duration INTERVAL = Duration.ofSeconds(3);
    private static final System.Logger LOG = System.getLogger(RoleHeartbeat.class.getName());
    private final String jdbcUrl;
    private final String user;
    private final String password;
    private final String role;
    private final String instance;
    private final String address;
    private final BooleanSupplier leader;
    private final Timestamp started = Timestamp.from(Instant.now());
    private final ScheduledExecutorService timer;
    private final Thread closeAtShutdown = new Thread(this::close, "heartbeat-close");
    private final Object closing = new Object();
    private boolean closed;
    private Connection connection;
    private boolean failing;

    private RoleHeartbeat(String jdbcUrl, String user, String password, String role, String instance, String address,
                          BooleanSupplier leader) {
        this.jdbcUrl = jdbcUrl;
        this.user = user;
        this.password = password;
        this.role = role;
        this.instance = instance;
        this.address = address;
        this.leader = leader;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "heartbeat-" + role);
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts beating at once and then every {@code interval}; {@code leader} is asked at each beat. */
    public static RoleHeartbeat start(String jdbcUrl, String user, String password, String role, String instance, String address,
                                      BooleanSupplier leader, Duration interval) {
        RoleHeartbeat h = new RoleHeartbeat(jdbcUrl, user, password, role, instance, address, leader);
        Runtime.getRuntime().addShutdownHook(h.closeAtShutdown);
        h.timer.scheduleWithFixedDelay(h::beat, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        return h;
    }

    private synchronized void beat() {
        try {
            if (connection == null || connection.isClosed()) {
                connection = DriverManager.getConnection(jdbcUrl, user, password);
            }
            try (PreparedStatement q = connection.prepareStatement("insert into role_heartbeats"
                    + " (role, instance, address, version, started, last_seen, leader) values (?, ?, ?, ?, ?, now(), ?)"
                    + " on conflict (role, instance) do update set address = excluded.address, version = excluded.version,"
                    + " started = excluded.started, last_seen = now(), leader = excluded.leader")) {
                q.setString(1, role);
                q.setString(2, instance);
                q.setString(3, address);
                q.setString(4, GantryVersion.current());
                q.setTimestamp(5, started);
                q.setBoolean(6, leader.getAsBoolean());
                q.executeUpdate();
            }
            if (failing) {
                LOG.log(System.Logger.Level.INFO, "{0} {1}: heartbeat written again", role, instance);
            }
            failing = false;
        } catch (SQLException | RuntimeException e) {
            if (!failing) {
                LOG.log(System.Logger.Level.WARNING, "{0} {1}: cannot write its heartbeat: {2}", role, instance, e.getMessage());
            }
            failing = true;
            closeConnection();
        }
    }

    private void closeConnection() {
        try {
            if (connection != null) {
                connection.close();
            }
        } catch (SQLException ignored) {
            // already broken
        }
        connection = null;
    }

    /** Stops beating and deletes the row; called by the role and by the shutdown hook, whichever comes first does it. */
    @Override
    public void close() {
        synchronized (closing) {
            if (closed) {
                return;
            }
            closed = true;
            try {
                Runtime.getRuntime().removeShutdownHook(closeAtShutdown);
            } catch (IllegalStateException e) {
                // the JVM is shutting down: this is the hook, or the hook waits for this call to finish
            }
            stopAndRemoveRow();
        }
    }

    private void stopAndRemoveRow() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            try (Connection c = connection != null && !connection.isClosed() ? connection : DriverManager.getConnection(jdbcUrl, user, password);
                 PreparedStatement q = c.prepareStatement("delete from role_heartbeats where role = ? and instance = ?")) {
                q.setString(1, role);
                q.setString(2, instance);
                q.executeUpdate();
            } catch (SQLException e) {
                LOG.log(System.Logger.Level.WARNING, "{0} {1}: cannot remove its heartbeat: {2}", role, instance, e.getMessage());
            }
            connection = null;
        }
    }
}
