package io.gantry.provisioner;

import io.gantry.common.Json;
import io.gantry.common.ZoneState;
import io.gantry.common.coord.NodeAdvert;
import io.gantry.common.coord.NodeCapacity;
import io.gantry.common.coord.NodeTask;
import io.gantry.common.coord.TaskResult;
import io.gantry.common.coord.ZkPaths;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;

/**
 * A node's agent as the provisioner sees it through ZooKeeper: it advertises itself, and answers
 * each task it finds with success, writing the answer and removing the task in one transaction. It
 * carries out each job once and counts how often it was asked.
 */
final class FakeNode implements AutoCloseable {
    private final CuratorFramework zk;
    private final String node;
    private final CuratorCache tasks;
    private final Map<UUID, Integer> executions = new ConcurrentHashMap<>();

    private FakeNode(CuratorFramework zk, String node) {
        this.zk = zk;
        this.node = node;
        this.tasks = CuratorCache.build(zk, ZkPaths.tasks(node));
    }

    static FakeNode start(CuratorFramework zk, String node, long memoryMiB) throws Exception {
        FakeNode fake = new FakeNode(zk, node);
        zk.create().creatingParentsIfNeeded().forPath(ZkPaths.tasks(node));
        zk.create().creatingParentsIfNeeded().forPath(ZkPaths.results(node));
        fake.tasks.listenable().addListener(CuratorCacheListener.builder().forCreates(fake::onTask).build());
        fake.tasks.start();
        NodeAdvert advert = new NodeAdvert(node, "127.0.0.1", "simulated", new NodeCapacity(memoryMiB, 100_000, 4), Map.of(), Instant.now());
        zk.create().withMode(CreateMode.EPHEMERAL).forPath(ZkPaths.alive(node), StepRig.bytes(advert));
        return fake;
    }

    private void onTask(ChildData data) {
        if (!ZkPaths.parseNodePath(data.getPath()).filter(p -> p.kind() == ZkPaths.NodePath.Kind.TASK).isPresent()) {
            return;
        }
        NodeTask task = Json.read(new String(data.getData(), StandardCharsets.UTF_8), NodeTask.class);
        executions.merge(task.id(), 1, Integer::sum);
        TaskResult result = new TaskResult(task.id(), task.machine(), true, ZoneState.RUNNING, "10.9.0.1", null, Instant.now());
        try {
            zk.transaction().forOperations(
                    zk.transactionOp().create().forPath(ZkPaths.result(node, task.id().toString()), StepRig.bytes(result)),
                    zk.transactionOp().delete().forPath(data.getPath()));
        } catch (KeeperException.NodeExistsException | KeeperException.NoNodeException e) {
            // answered before, or the task is gone: nothing more to say
        } catch (Exception e) {
            throw new IllegalStateException("node " + node + " cannot answer task " + task.id(), e);
        }
    }

    /** How many times the job's task came to this node. */
    int asked(UUID job) {
        return executions.getOrDefault(job, 0);
    }

    @Override
    public void close() {
        tasks.close();
    }
}
