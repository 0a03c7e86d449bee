package io.gantry.bench.liveness;

import io.gantry.common.coord.ZkPaths;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;

/**
 * When ZooKeeper removed what a session held, as this JVM is told (System.nanoTime): each node's advert
 * ({@code /gantry/nodes/<node>/alive}), each provisioner's leader latch member (whose data is its id; a follower's
 * watch removes a dead leader's at once) and each provisioner's beat address ({@code /gantry/services/liveness/<id>},
 * gone only when its session ends). The session-expiry baselines the beats and the failover are compared with.
 */
final class ZkDeletions implements AutoCloseable {
    private final CuratorCache cache;
    private final Map<String, Long> advertGone = new ConcurrentHashMap<>();
    private final Map<String, Long> latchGone = new ConcurrentHashMap<>();
    private final Map<String, Long> sessionGone = new ConcurrentHashMap<>();

    ZkDeletions(CuratorFramework zk) {
        this.cache = CuratorCache.build(zk, ZkPaths.ROOT);
        cache.listenable().addListener(CuratorCacheListener.builder().forDeletes(this::deleted).build());
        cache.start();
    }

    private void deleted(ChildData data) {
        long at = System.nanoTime();
        String path = data.getPath();
        if (path.startsWith(ZkPaths.NODES + "/") && path.endsWith("/alive")) {
            advertGone.put(path.substring(ZkPaths.NODES.length() + 1, path.length() - "/alive".length()), at);
        } else if (path.startsWith(ZkPaths.PROVISIONER_LEADER + "/") && data.getData() != null) {
            latchGone.put(new String(data.getData(), StandardCharsets.UTF_8), at);
        } else if (path.startsWith(ZkPaths.LIVENESS + "/")) {
            sessionGone.put(path.substring(ZkPaths.LIVENESS.length() + 1), at);
        }
    }

    Long advertGone(String node) {
        return advertGone.get(node);
    }

    Long latchGone(String provisioner) {
        return latchGone.get(provisioner);
    }

    /** When the provisioner's session ended (its ephemeral beat address went with it). */
    Long sessionGone(String provisioner) {
        return sessionGone.get(provisioner);
    }

    /** The provisioner whose latch member is first in line (the leader), if any. */
    String leader(CuratorFramework zk) throws Exception {
        String first = null;
        for (String child : zk.getChildren().forPath(ZkPaths.PROVISIONER_LEADER)) {
            if (first == null || sequence(child) < sequence(first)) {
                first = child;
            }
        }
        return first == null ? null : new String(zk.getData().forPath(ZkPaths.PROVISIONER_LEADER + "/" + first), StandardCharsets.UTF_8);
    }

    private static long sequence(String latchChild) {
        return Long.parseLong(latchChild.substring(latchChild.lastIndexOf('-') + 1));
    }

    @Override
    public void close() {
        cache.close();
    }
}
