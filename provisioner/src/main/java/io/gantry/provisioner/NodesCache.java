package io.gantry.provisioner;

import io.gantry.common.coord.ZkPaths;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;

/**
 * A provisioner's one {@link CuratorCache} of {@code /gantry/nodes}, kept from its start, leader or not: a new leader's
 * {@link NodeWatcher} starts from a cache already loaded instead of reading every advert, report, task and answer
 * while no one leads (seconds on a loaded host).
 */
final class NodesCache implements AutoCloseable {
    private final CuratorCache cache;
    private final CountDownLatch loaded = new CountDownLatch(1);

    NodesCache(CuratorFramework zk) {
        this.cache = CuratorCache.build(zk, ZkPaths.NODES);
        cache.listenable().addListener(CuratorCacheListener.builder().forInitialized(loaded::countDown).build());
    }

    void start() {
        cache.start();
    }

    CuratorCache cache() {
        return cache;
    }

    /** True once the cache has read everything ZooKeeper held when it started. */
    boolean awaitLoaded(Duration timeout) throws InterruptedException {
        return loaded.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        cache.close();
    }
}
