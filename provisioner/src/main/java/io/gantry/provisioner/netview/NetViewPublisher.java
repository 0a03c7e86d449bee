package io.gantry.provisioner.netview;

import io.gantry.common.GantryException;
import io.gantry.common.net.TenantNetView;
import io.gantry.provisioner.Sleep;
import io.gantry.provisioner.Threads;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.curator.framework.CuratorFramework;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The provisioner leader's publisher of tenant network views. It LISTENs on {@code gantry_netview} (the V15 triggers
 * notify the account of every change that alters its view, with a new generation, on commit) and republishes that
 * account's view at once; a sweep when it starts and every 30 s republishes any account whose generation in the
 * record is ahead of ZooKeeper's, which repairs a lost notification or a lost connection. Only the leader runs one;
 * should a deposed leader's write come late, {@link NetViewWriter} refuses to replace a newer view.
 */
public final class NetViewPublisher implements AutoCloseable {
    public static final String CHANNEL = "gantry_netview";
    public static final Duration SWEEP = Duration.ofSeconds(30);
    private static final Logger LOG = LoggerFactory.getLogger(NetViewPublisher.class);
    private static final Duration RETRY = Duration.ofSeconds(1);

    private final String url;
    private final String user;
    private final String password;
    private final Duration sweepEvery;
    private final NetViewReader reader;
    private final NetViewWriter writer;
    private final Map<UUID, Long> published = new ConcurrentHashMap<>();
    private final Thread thread;
    private volatile boolean running = true;
    private Connection db;
    private Connection listener;

    public NetViewPublisher(CuratorFramework zk, String url, String user, String password) {
        this(zk, url, user, password, SWEEP, Clock.systemUTC());
    }

    public NetViewPublisher(CuratorFramework zk, String url, String user, String password, Duration sweepEvery, Clock clock) {
        this.url = url;
        this.user = user;
        this.password = password;
        this.sweepEvery = sweepEvery;
        this.reader = new NetViewReader(clock);
        this.writer = new NetViewWriter(zk);
        this.thread = new Thread(this::run, "gantry-netview-publisher");
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    private void run() {
        long nextSweep = 0;
        while (running) {
            try {
                if (listener == null) {
                    connect();
                    nextSweep = 0; // what changed while no one listened is found by a sweep
                }
                if (System.nanoTime() - nextSweep >= 0) {
                    sweep();
                    nextSweep = System.nanoTime() + sweepEvery.toNanos();
                }
                long waitMs = Math.max(1, Math.min(1000, (nextSweep - System.nanoTime()) / 1_000_000));
                PGNotification[] got = listener.unwrap(PGConnection.class).getNotifications((int) waitMs);
                Set<UUID> accounts = new LinkedHashSet<>();
                if (got != null) {
                    for (PGNotification n : got) {
                        parse(n.getParameter()).ifPresent(accounts::add);
                    }
                }
                for (UUID account : accounts) {
                    publish(account);
                }
            } catch (Exception e) {
                if (running) {
                    LOG.warn("network views: {}; retrying in {} s", e.toString(), RETRY.toSeconds());
                    disconnect();
                    Sleep.quietly(RETRY);
                }
            }
        }
        disconnect();
    }

    /**
     * Builds and writes the account's view; the generation it built (empty when the account is gone or its view cannot
     * be made). A fault of one account's data (corrupt tags, a view over the size limit) is logged and does not hold up
     * the others; SQL and ZooKeeper errors go up, as the connection must be made again.
     */
    OptionalLong publish(UUID account) throws Exception {
        Optional<TenantNetView> view;
        NetViewWriter.Outcome outcome;
        try {
            view = reader.read(db, account);
            if (view.isEmpty()) {
                return OptionalLong.empty();
            }
            outcome = writer.write(view.get());
        } catch (GantryException | IllegalStateException bad) {
            LOG.error("network views: account {}: {}", account, bad.getMessage());
            return OptionalLong.empty();
        }
        published.put(account, view.get().generation());
        LOG.debug("network view of {} generation {}: {}", account, view.get().generation(), outcome);
        return OptionalLong.of(view.get().generation());
    }

    private void sweep() throws Exception {
        Map<UUID, Long> generations = new java.util.LinkedHashMap<>();
        try (PreparedStatement st = db.prepareStatement("select a.id, coalesce(g.generation, 0) from accounts a"
                + " left join netview_generations g on g.account_id = a.id order by a.id");
             ResultSet rs = st.executeQuery()) {
            while (rs.next()) {
                generations.put(rs.getObject(1, UUID.class), rs.getLong(2));
            }
        }
        int republished = 0;
        for (Map.Entry<UUID, Long> e : generations.entrySet()) {
            if (!running) {
                return;
            }
            Long known = published.get(e.getKey());
            if (known != null && known >= e.getValue()) {
                continue;
            }
            OptionalLong inZk = writer.published(e.getKey());
            if (inZk.isPresent() && inZk.getAsLong() >= e.getValue()) {
                published.put(e.getKey(), inZk.getAsLong());
                continue;
            }
            publish(e.getKey());
            republished++;
        }
        if (republished > 0) {
            LOG.info("network views: the sweep republished {} of {} accounts", republished, generations.size());
        }
    }

    private void connect() throws SQLException {
        db = DriverManager.getConnection(url, user, password);
        db.setAutoCommit(true);
        listener = DriverManager.getConnection(url, user, password);
        try (var st = listener.createStatement()) {
            st.execute("LISTEN " + CHANNEL);
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

    private static Optional<UUID> parse(String payload) {
        try {
            return Optional.of(UUID.fromString(payload));
        } catch (IllegalArgumentException e) {
            LOG.warn("network views: ignoring a notification that names no account: '{}'", payload);
            return Optional.empty();
        }
    }

    /** Stops publishing; returns once the thread has (or after at most five seconds). */
    @Override
    public void close() {
        running = false;
        Threads.interruptAndJoin(thread, Duration.ofSeconds(5));
    }
}
