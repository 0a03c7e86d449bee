package io.gantry.provisioner.publish;

import java.util.OptionalLong;
import java.util.function.Function;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

/**
 * Writes a generation-stamped document to a znode only over an older one: it reads the node's generation and version,
 * and sets the data on that version (compare-and-set), so a stale writer (a deposed leader, a slow sweep) can never
 * replace a newer document, and generations in ZooKeeper only grow. What the generation of stored bytes is, the caller
 * says ({@code generationOf}: empty when the bytes are unreadable, which any real document then replaces).
 */
public final class GenerationCas {
    /** What a write did. */
    public enum Outcome { WRITTEN, NOT_NEWER }

    private final CuratorFramework zk;
    private final Function<byte[], OptionalLong> generationOf;

    public GenerationCas(CuratorFramework zk, Function<byte[], OptionalLong> generationOf) {
        this.zk = zk;
        this.generationOf = generationOf;
    }

    public Outcome write(String path, long generation, byte[] data) throws Exception {
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
            if (generationOf(current).orElse(-1) >= generation) {
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

    /** The generation of the document now at {@code path}, if there is a readable one. */
    public OptionalLong published(String path) throws Exception {
        try {
            return generationOf(zk.getData().forPath(path));
        } catch (KeeperException.NoNodeException e) {
            return OptionalLong.empty();
        }
    }

    /** Removes the document (and anything under it); false if there was none. */
    public boolean remove(String path) throws Exception {
        try {
            zk.delete().deletingChildrenIfNeeded().forPath(path);
            return true;
        } catch (KeeperException.NoNodeException e) {
            return false;
        }
    }

    private OptionalLong generationOf(byte[] data) {
        if (data == null || data.length == 0) {
            return OptionalLong.empty();
        }
        try {
            return generationOf.apply(data);
        } catch (RuntimeException e) {
            return OptionalLong.empty();
        }
    }
}
