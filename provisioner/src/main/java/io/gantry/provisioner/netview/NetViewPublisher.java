package io.gantry.provisioner.netview;

import io.gantry.common.GantryException;
import io.gantry.common.net.TenantNetView;
import io.gantry.provisioner.publish.GenerationCas;
import io.gantry.provisioner.publish.NotifyLoop;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.curator.framework.CuratorFramework;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The provisioner leader's publisher of tenant network views. It LISTENs on {@code gantry_netview} (the V15 triggers
 * notify the account of every change that alters its view, with a new generation, on commit) and republishes that
 * account's view at once; a sweep when it starts and every 30 s republishes any account whose generation in the
 * record is ahead of ZooKeeper's, which repairs a lost notification or a lost connection ({@link NotifyLoop}). Only the
 * leader runs one; should a deposed leader's write come late, {@link NetViewWriter} refuses to replace a newer view.
 */
public final class NetViewPublisher implements AutoCloseable {
    public static final String CHANNEL = "gantry_netview";
    public static final Duration SWEEP = Duration.ofSeconds(30);
    private static final Logger LOG = LoggerFactory.getLogger(NetViewPublisher.class);

    private final NetViewReader reader;
    private final NetViewWriter writer;
    private final Map<UUID, Long> published = new ConcurrentHashMap<>();
    private final NotifyLoop loop;

    public NetViewPublisher(CuratorFramework zk, String url, String user, String password) {
        this(zk, url, user, password, SWEEP, Clock.systemUTC());
    }

    public NetViewPublisher(CuratorFramework zk, String url, String user, String password, Duration sweepEvery, Clock clock) {
        this.reader = new NetViewReader(clock);
        this.writer = new NetViewWriter(zk);
        this.loop = new NotifyLoop("network views", CHANNEL, url, user, password, sweepEvery, new NotifyLoop.Handler() {
            @Override
            public void sweep(Connection db) throws Exception {
                NetViewPublisher.this.sweep(db);
            }

            @Override
            public void changed(Connection db, UUID account) throws Exception {
                publish(db, account);
            }
        });
    }

    public void start() {
        loop.start();
    }

    /**
     * Builds and writes the account's view; the generation it built (empty when the account is gone or its view cannot
     * be made). A fault of one account's data (corrupt tags, a view over the size limit) is logged and does not hold up
     * the others; SQL and ZooKeeper errors go up, as the connection must be made again.
     */
    OptionalLong publish(Connection db, UUID account) throws Exception {
        Optional<TenantNetView> view;
        GenerationCas.Outcome outcome;
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

    private void sweep(Connection db) throws Exception {
        Map<UUID, Long> generations = new LinkedHashMap<>();
        try (PreparedStatement st = db.prepareStatement("select a.id, coalesce(g.generation, 0) from accounts a"
                + " left join netview_generations g on g.account_id = a.id order by a.id");
             ResultSet rs = st.executeQuery()) {
            while (rs.next()) {
                generations.put(rs.getObject(1, UUID.class), rs.getLong(2));
            }
        }
        int republished = 0;
        for (Map.Entry<UUID, Long> e : generations.entrySet()) {
            if (!loop.running()) {
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
            publish(db, e.getKey());
            republished++;
        }
        if (republished > 0) {
            LOG.info("network views: the sweep republished {} of {} accounts", republished, generations.size());
        }
    }

    /** Stops publishing; returns once the thread has (or after at most five seconds). */
    @Override
    public void close() {
        loop.close();
    }
}
