package io.gantry.provisioner.netview;

import io.gantry.common.Json;
import io.gantry.common.coord.ZkPaths;
import io.gantry.common.net.TenantNetView;
import java.nio.charset.StandardCharsets;
import java.util.OptionalLong;
import java.util.UUID;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

/**
 * Writes a view to {@code ZkPaths.netview(account)} only over an older one: it reads the node's generation and
 * version, and sets the data on that version (compare-and-set), so a stale writer (a deposed leader, a slow sweep)
 * can never replace a newer view, and generations in ZooKeeper only grow.
 */
public final class NetViewWriter {
    /** What a write did. */
    public enum Outcome { WRITTEN, NOT_NEWER }

    private final CuratorFramework zk;

    public NetViewWriter(CuratorFramework zk) {
        this.zk = zk;
    }

    public Outcome write(TenantNetView view) throws Exception {
        String path = ZkPaths.netview(view.account());
        byte[] data = Json.write(view).getBytes(StandardCharsets.UTF_8);
        while (true) {
            Stat stat = new Stat();
            byte[] current;
            try {
                current = zk.getData().storingStatIn(stat).forPath(path);
            } catch (KeeperException.NoNodeException e) {
                try {
                    zk.create().creatingParentsIfNeeded().forPath(path, data);
                    return Outcome.WRITTEN;
                } catch (KeeperException.NodeExistsException raced) {
                    continue;
                }
            }
            if (generationOf(current).orElse(-1) >= view.generation()) {
                return Outcome.NOT_NEWER;
            }
            try {
                zk.setData().withVersion(stat.getVersion()).forPath(path, data);
                return Outcome.WRITTEN;
            } catch (KeeperException.BadVersionException | KeeperException.NoNodeException raced) {
                // another writer came in between: look again
            }
        }
    }

    /** The generation of the view now in ZooKeeper, if there is one. */
    public OptionalLong published(UUID account) throws Exception {
        try {
            return generationOf(zk.getData().forPath(ZkPaths.netview(account)));
        } catch (KeeperException.NoNodeException e) {
            return OptionalLong.empty();
        }
    }

    private static OptionalLong generationOf(byte[] data) {
        if (data == null || data.length == 0) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Json.mapper().readTree(data).path("generation").asLong(-1));
        } catch (java.io.IOException e) {
            return OptionalLong.empty(); // unreadable: any real view replaces it
        }
    }
}
