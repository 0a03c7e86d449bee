package io.gantry.agent.coord;

import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;

/** Small ZooKeeper helpers the coordination classes share. */
final class ZkNodes {
    static final byte[] EMPTY = new byte[0];

    private ZkNodes() {
    }

    /**
     * Makes {@code path} and its parents as plain persistent znodes. Explicit empty data: Curator
     * would otherwise store the client's local IP address in them.
     */
    static void ensurePersistent(CuratorFramework client, String path) throws Exception {
        if (client.checkExists().forPath(path) != null) {
            return;
        }
        try {
            client.create().creatingParentsIfNeeded().forPath(path, EMPTY);
        } catch (KeeperException.NodeExistsException raced) {
            // someone else made it first: that is all we wanted
        }
    }
}
