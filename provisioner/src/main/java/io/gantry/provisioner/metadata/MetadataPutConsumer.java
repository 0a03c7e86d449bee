package io.gantry.provisioner.metadata;

import io.gantry.common.Json;
import io.gantry.common.coord.MetadataPut;
import io.gantry.common.coord.ZkPaths;
import io.gantry.provisioner.Sleep;
import io.gantry.provisioner.Threads;
import io.gantry.provisioner.Wakeups;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The provisioner leader's consumer of {@code mdata-put}s: it watches {@code /gantry/metadata-puts} and, for each
 * machine, applies the {@link MetadataPut}s in sequence order to the record ({@link PutApplier}, each committed), then
 * deletes each znode. A machine's puts stop at the first one that cannot be applied now (the record unreachable), so
 * a later put never lands before an earlier one; what a leader leaves behind, the next one finds when it starts.
 * Unreadable puts, and puts for deleted or unknown machines, are dropped with a WARN.
 */
public final class MetadataPutConsumer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MetadataPutConsumer.class);
    private static final Duration POLL = Duration.ofSeconds(5);
    private static final Duration RETRY = Duration.ofSeconds(1);

    private final CuratorFramework zk;
    private final String url;
    private final String user;
    private final String password;
    private final PutApplier applier = new PutApplier();
    private final Wakeups wakeups = new Wakeups();
    private final CuratorCache cache;
    private final Thread thread;
    private volatile boolean running = true;
    private Connection db;

    public MetadataPutConsumer(CuratorFramework zk, String url, String user, String password) {
        this.zk = zk;
        this.url = url;
        this.user = user;
        this.password = password;
        this.cache = CuratorCache.build(zk, ZkPaths.METADATA_PUTS, CuratorCache.Options.DO_NOT_CLEAR_ON_CLOSE);
        this.cache.listenable().addListener(CuratorCacheListener.builder().forCreates(node -> wakeups.wake())
                .forInitialized(wakeups::wake).build());
        this.thread = new Thread(this::run, "gantry-metadata-puts");
        this.thread.setDaemon(true);
    }

    public void start() {
        cache.start();
        thread.start();
    }

    private void run() {
        while (running) {
            try {
                if (db == null) {
                    db = DriverManager.getConnection(url, user, password);
                    db.setAutoCommit(false);
                }
                drain();
                wakeups.await(POLL);
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                if (running) {
                    LOG.warn("metadata puts: {}; retrying in {} s", e.toString(), RETRY.toSeconds());
                    disconnect();
                    Sleep.quietly(RETRY);
                }
            }
        }
        disconnect();
    }

    /** One pass over every machine's waiting puts. */
    private void drain() throws Exception {
        List<String> machines;
        try {
            machines = zk.getChildren().forPath(ZkPaths.METADATA_PUTS);
        } catch (KeeperException.NoNodeException e) {
            return;
        }
        for (String child : machines) {
            if (!running) {
                return;
            }
            UUID machine;
            try {
                machine = UUID.fromString(child);
            } catch (IllegalArgumentException e) {
                LOG.warn("metadata puts: '{}' under {} names no machine; left alone", child, ZkPaths.METADATA_PUTS);
                continue;
            }
            drain(machine);
        }
    }

    private void drain(UUID machine) throws Exception {
        String dir = ZkPaths.metadataPuts(machine);
        List<String> puts;
        try {
            puts = new ArrayList<>(zk.getChildren().forPath(dir));
        } catch (KeeperException.NoNodeException e) {
            return;
        }
        puts.sort(null); // "put-" and a zero-padded sequence number: name order is the order the zone made them
        for (String name : puts) {
            if (!running) {
                return;
            }
            String path = dir + "/" + name;
            Stat stat = new Stat();
            byte[] data;
            try {
                data = zk.getData().storingStatIn(stat).forPath(path);
            } catch (KeeperException.NoNodeException gone) {
                continue; // applied and removed by a leader before us
            }
            MetadataPut put;
            try {
                put = Json.read(new String(data, StandardCharsets.UTF_8), MetadataPut.class);
            } catch (RuntimeException bad) {
                LOG.warn("metadata put dropped: {} is not a metadata put: {}", path, bad.getMessage());
                delete(path);
                continue;
            }
            PutApplier.Outcome outcome;
            try {
                outcome = applier.apply(db, machine, put, stat.getCzxid());
            } catch (IllegalStateException corrupt) {
                LOG.error("metadata puts of machine {} wait: {}", machine, corrupt.getMessage());
                return; // the next puts wait too: none may overtake this one
            }
            LOG.debug("metadata put {} of machine {} ('{}'): {}", name, machine, put.key(), outcome);
            delete(path);
        }
    }

    private void delete(String path) throws Exception {
        try {
            zk.delete().forPath(path);
        } catch (KeeperException.NoNodeException gone) {
            // removed by another leader: the same outcome
        }
    }

    private void disconnect() {
        try {
            if (db != null) {
                db.close();
            }
        } catch (SQLException ignored) {
            // a broken connection: nothing to save
        }
        db = null;
    }

    /** Stops; returns once the thread has (or after at most five seconds). */
    @Override
    public void close() {
        running = false;
        cache.close();
        Threads.interruptAndJoin(thread, Duration.ofSeconds(5));
    }
}
