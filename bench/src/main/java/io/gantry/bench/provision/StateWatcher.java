package io.gantry.bench.provision;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * Sees machines reach a state in the record without asking the cloud API: every {@code every} one query by primary key
 * over the machines still awaited ({@code id = any(...)}), taking the row's {@code updated} (the transaction's time in
 * PostgreSQL, set by the write that recorded the state) as when the state was recorded. The query only reads, so it
 * costs the system under test one indexed read per tick, not one GET per machine.
 */
final class StateWatcher implements AutoCloseable {
    /** A machine seen in a final state: which one, when it was recorded, on which node. */
    record Seen(String state, Instant recorded, String node) {
    }

    private final Connection db;
    private final Map<UUID, Instant> awaited = new ConcurrentHashMap<>();
    private final Map<UUID, Seen> seen = new ConcurrentHashMap<>();
    private final Predicate<String> done;
    private final Duration every;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile SQLException failure;

    /** Watches for any state {@code done} accepts. */
    StateWatcher(String jdbcUrl, String user, String password, Predicate<String> done, Duration every) throws SQLException {
        this.db = DriverManager.getConnection(jdbcUrl, user, password);
        this.done = done;
        this.every = every;
        this.thread = new Thread(this::run, "provision-bench-state-watcher");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** Awaits {@code machine}, asked for at {@code sent}. */
    void await(UUID machine, Instant sent) {
        awaited.put(machine, sent);
    }

    /** Stops awaiting a machine whose request failed. */
    void forget(UUID machine) {
        awaited.remove(machine);
    }

    int stillAwaited() {
        return awaited.size();
    }

    Map<UUID, Seen> seen() {
        return seen;
    }

    private void run() {
        while (running) {
            long t0 = System.nanoTime();
            try {
                poll();
            } catch (SQLException e) {
                failure = e;
            }
            long rest = every.toNanos() - (System.nanoTime() - t0);
            if (rest > 0) {
                java.util.concurrent.locks.LockSupport.parkNanos(rest);
            }
        }
    }

    private void poll() throws SQLException {
        if (awaited.isEmpty()) {
            return;
        }
        List<UUID> ids = new ArrayList<>(awaited.keySet());
        try (PreparedStatement st = db.prepareStatement("select id, state, updated, compute_node from machines where id = any(?)")) {
            st.setArray(1, db.createArrayOf("uuid", ids.toArray()));
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    String state = rs.getString(2);
                    if (done.test(state)) {
                        UUID id = rs.getObject(1, UUID.class);
                        seen.put(id, new Seen(state, rs.getTimestamp(3).toInstant(), rs.getString(4)));
                        awaited.remove(id);
                    }
                }
            }
        }
    }

    SQLException failure() {
        return failure;
    }

    @Override
    public void close() {
        running = false;
        try {
            thread.join(2000);
            db.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (SQLException ignored) {
            // nothing to save
        }
    }
}
