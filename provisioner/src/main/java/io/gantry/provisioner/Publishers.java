package io.gantry.provisioner;

import io.gantry.provisioner.metadata.MetadataPublisher;
import io.gantry.provisioner.metadata.MetadataPutConsumer;
import io.gantry.provisioner.netview.NetViewPublisher;
import org.apache.curator.framework.CuratorFramework;

/**
 * A leader's mirrors between the record and ZooKeeper (network views, zone metadata, metadata puts), started once the
 * term's first pass is done, so their connections and first sweeps do not compete with it for the CPU, and never
 * started once closed. Tests that run the leader on an in-memory record have no database to mirror: then there are none.
 */
final class Publishers implements AutoCloseable {
    private final NetViewPublisher netViews;
    private final MetadataPublisher metadata;
    private final MetadataPutConsumer metadataPuts;
    private boolean started;
    private boolean closed;

    Publishers(CuratorFramework zk, ProvisionerConfig config) {
        boolean none = config.jdbcUrl() == null;
        this.netViews = none ? null : new NetViewPublisher(zk, config.jdbcUrl(), config.dbUser(), config.dbPassword());
        this.metadata = none ? null : new MetadataPublisher(zk, config.jdbcUrl(), config.dbUser(), config.dbPassword());
        this.metadataPuts = none ? null : new MetadataPutConsumer(zk, config.jdbcUrl(), config.dbUser(), config.dbPassword());
    }

    synchronized void start() {
        if (started || closed || netViews == null) {
            return;
        }
        started = true;
        netViews.start();
        metadata.start();
        metadataPuts.start();
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (started) {
            netViews.close();
            metadata.close();
            metadataPuts.close();
        }
    }
}
