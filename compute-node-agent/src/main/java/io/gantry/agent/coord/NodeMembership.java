package io.gantry.agent.coord;

import io.gantry.common.Json;
import io.gantry.common.coord.NodeAdvert;
import io.gantry.common.coord.ZkPaths;
import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.imps.CuratorFrameworkState;
import org.apache.curator.framework.recipes.nodes.PersistentNode;
import org.apache.zookeeper.CreateMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's presence in the cluster: the ephemeral znode {@link ZkPaths#alive} holding its
 * {@link NodeAdvert}. Curator's {@link PersistentNode} makes it again after the session is lost
 * and a new one begins; closing removes it.
 */
public final class NodeMembership implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(NodeMembership.class);

    private final CuratorFramework client;
    private final NodeAdvert advert;
    private final PersistentNode alive;

    public NodeMembership(CuratorFramework client, NodeAdvert advert) {
        this.client = client;
        this.advert = advert;
        this.alive = new PersistentNode(client, CreateMode.EPHEMERAL, false, ZkPaths.alive(advert.node()),
                Json.write(advert).getBytes(StandardCharsets.UTF_8));
    }

    /** Starts advertising; the znode itself is made in the background as soon as ZooKeeper is reachable. */
    public void start() {
        // PersistentNode would make missing parents as container znodes, which ZooKeeper removes
        // once empty; the node's directory is meant to stay, so make it persistent first if we can.
        try {
            ZkNodes.ensurePersistent(client, ZkPaths.node(advert.node()));
        } catch (Exception e) {
            LOG.warn("node {}: cannot make {} now ({}); advertising anyway", advert.node(), ZkPaths.node(advert.node()),
                    e.toString());
        }
        alive.start();
    }

    /** True once the advert has been written. */
    public boolean awaitAdvertised(Duration timeout) throws InterruptedException {
        return alive.waitForInitialCreate(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    public NodeAdvert advert() {
        return advert;
    }

    @Override
    public void close() throws IOException {
        try {
            alive.close();
        } catch (IOException e) {
            if (client.getState() == CuratorFrameworkState.STARTED) {
                throw e;
            }
            // the client was closed first: its session, and the ephemeral advert with it, is already gone
        }
    }
}
