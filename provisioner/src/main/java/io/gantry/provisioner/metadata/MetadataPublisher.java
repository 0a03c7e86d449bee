package io.gantry.provisioner.metadata;

import io.gantry.common.GantryException;
import io.gantry.common.coord.ZkPaths;
import io.gantry.common.coord.ZoneMetadata;
import io.gantry.provisioner.publish.NotifyLoop;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The provisioner leader's publisher of machines' metadata: {@code /gantry/metadata/<machine>} follows the record.
 * It LISTENs on {@code gantry_metadata} (the V16 triggers notify a machine on the commit of every change its zone
 * would see, with a new generation) and republishes that machine at once, or removes its znode once it is deleted; a
 * sweep when it starts and every 30 s republishes every machine whose generation in ZooKeeper is behind the record's
 * and removes the znodes of machines that are gone. Writes are compare-and-set on the generation ({@link MetadataWriter}),
 * so a deposed leader's late write never replaces a newer view.
 */
public final class MetadataPublisher implements AutoCloseable {
    public static final String CHANNEL = "gantry_metadata";
    public static final Duration SWEEP = Duration.ofSeconds(30);
    private static final Logger LOG = LoggerFactory.getLogger(MetadataPublisher.class);
    private static final String LIVE = "select m.id, coalesce(g.generation, 0) from machines m"
            + " left join metadata_generations g on g.machine_id = m.id where m.state <> 'deleted' order by m.id";

    private final CuratorFramework zk;
    private final MetadataReader reader = new MetadataReader();
    private final MetadataWriter writer;
    private final Map<UUID, Long> published = new ConcurrentHashMap<>();
    private final NotifyLoop loop;

    public MetadataPublisher(CuratorFramework zk, String url, String user, String password) {
        this(zk, url, user, password, SWEEP);
    }

    public MetadataPublisher(CuratorFramework zk, String url, String user, String password, Duration sweepEvery) {
        this.zk = zk;
        this.writer = new MetadataWriter(zk);
        this.loop = new NotifyLoop("machine metadata", CHANNEL, url, user, password, sweepEvery, new NotifyLoop.Handler() {
            @Override
            public void sweep(Connection db) throws Exception {
                MetadataPublisher.this.sweep(db);
            }

            @Override
            public void changed(Connection db, UUID machine) throws Exception {
                publish(db, machine);
            }
        });
    }

    public void start() {
        loop.start();
    }

    /**
     * Writes the machine's metadata as the record has it now, or removes it when the machine is deleted or unknown.
     * Corrupt data of one machine is logged and does not hold up the others; SQL and ZooKeeper errors go up.
     */
    void publish(Connection db, UUID machine) throws Exception {
        Optional<ZoneMetadata> metadata;
        try {
            metadata = reader.read(db, machine);
            if (metadata.isEmpty()) {
                published.remove(machine);
                if (writer.remove(machine)) {
                    LOG.debug("metadata of deleted machine {} removed", machine);
                }
                return;
            }
            var outcome = writer.write(metadata.get());
            LOG.debug("metadata of {} generation {}: {}", machine, metadata.get().generation(), outcome);
        } catch (GantryException | IllegalStateException bad) {
            LOG.error("machine metadata: machine {}: {}", machine, bad.getMessage());
            return;
        }
        published.put(machine, metadata.get().generation());
    }

    private void sweep(Connection db) throws Exception {
        Map<UUID, Long> live = new LinkedHashMap<>();
        try (PreparedStatement st = db.prepareStatement(LIVE); ResultSet rs = st.executeQuery()) {
            while (rs.next()) {
                live.put(rs.getObject(1, UUID.class), rs.getLong(2));
            }
        }
        int republished = 0;
        for (Map.Entry<UUID, Long> e : live.entrySet()) {
            if (!loop.running()) {
                return;
            }
            Long known = published.get(e.getKey());
            if (known != null && known >= e.getValue()) {
                continue;
            }
            var inZk = writer.published(e.getKey());
            if (inZk.isPresent() && inZk.getAsLong() >= e.getValue()) {
                published.put(e.getKey(), inZk.getAsLong());
                continue;
            }
            publish(db, e.getKey());
            republished++;
        }
        int removed = 0;
        for (UUID machine : znodes()) {
            if (!live.containsKey(machine)) {
                publish(db, machine); // reads the record again: a machine created since the query above is kept
                removed++;
            }
        }
        if (republished + removed > 0) {
            LOG.info("machine metadata: the sweep republished {} of {} machines and looked again at {} znodes of machines"
                    + " it did not find", republished, live.size(), removed);
        }
    }

    /** The machines that have a metadata znode. */
    private List<UUID> znodes() throws Exception {
        List<String> children;
        try {
            children = zk.getChildren().forPath(ZkPaths.METADATA);
        } catch (KeeperException.NoNodeException e) {
            return List.of();
        }
        Map<String, UUID> out = new HashMap<>();
        for (String child : children) {
            try {
                out.put(child, UUID.fromString(child));
            } catch (IllegalArgumentException e) {
                LOG.warn("machine metadata: '{}' under {} names no machine; left alone", child, ZkPaths.METADATA);
            }
        }
        return List.copyOf(out.values());
    }

    /** Stops publishing; returns once the thread has (or after at most five seconds). */
    @Override
    public void close() {
        loop.close();
    }
}
