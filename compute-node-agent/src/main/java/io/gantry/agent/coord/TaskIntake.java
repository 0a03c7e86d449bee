package io.gantry.agent.coord;

import io.gantry.common.GantryException;
import io.gantry.common.Json;
import io.gantry.common.coord.NodeTask;
import io.gantry.common.coord.TaskResult;
import io.gantry.common.coord.ZkPaths;
import java.io.Closeable;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.framework.state.ConnectionStateListener;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes the node's tasks from {@link ZkPaths#tasks} and does them one at a time, oldest first (by
 * the task znode's creation zxid), on its own thread, never on ZooKeeper's event thread.
 *
 * <p>Each result is recorded in {@link FinishedTasks} before it is published, so a task seen again
 * (redelivered, or still queued because publishing failed or the agent stopped) is answered from
 * that record and not done twice. Publishing is one transaction: write the result znode, delete
 * the task znode. Whatever fails with ZooKeeper is tried again by scanning the queue later.
 */
public final class TaskIntake implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(TaskIntake.class);
    private static final Duration RETRY_AFTER = Duration.ofSeconds(1);
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(30);

    private final CuratorFramework client;
    private final String node;
    private final TaskExecutor executor;
    private final FinishedTasks finished;
    private final Runnable afterEachTask;
    private final Clock clock;
    private final CuratorCache cache;
    private final ScheduledThreadPoolExecutor worker;
    private final AtomicBoolean scanQueued = new AtomicBoolean();
    private final ConnectionStateListener onReconnect = (c, state) -> {
        if (state == ConnectionState.RECONNECTED) {
            requestScan();
        }
    };
    private volatile boolean closed;

    /** {@code afterEachTask} runs on the worker after each task is done and recorded (e.g. to report the zones). */
    public TaskIntake(CuratorFramework client, String node, TaskExecutor executor, FinishedTasks finished,
                      Runnable afterEachTask, Clock clock) {
        this.client = client;
        this.node = node;
        this.executor = executor;
        this.finished = finished;
        this.afterEachTask = afterEachTask;
        this.clock = clock;
        this.cache = CuratorCache.build(client, ZkPaths.tasks(node));
        this.worker = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "gantry-task-intake-" + node);
            t.setDaemon(true);
            return t;
        });
        worker.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    }

    public void start() {
        // the cache only says "something changed"; the worker reads the queue itself, so it never acts on a stale copy
        cache.listenable().addListener(CuratorCacheListener.builder()
                .forAll((type, before, after) -> requestScan())
                .forInitialized(this::requestScan)
                .build());
        client.getConnectionStateListenable().addListener(onReconnect);
        cache.start();
        requestScan();
    }

    private void requestScan() {
        if (closed || !scanQueued.compareAndSet(false, true)) {
            return;
        }
        try {
            worker.execute(this::scan);
        } catch (RejectedExecutionException e) {
            scanQueued.set(false);
        }
    }

    private void scan() {
        scanQueued.set(false); // a change seen from here on asks for another scan
        if (closed) {
            return;
        }
        try {
            ZkNodes.ensurePersistent(client, ZkPaths.tasks(node));
            ZkNodes.ensurePersistent(client, ZkPaths.results(node));
            for (QueuedTask queued : queue()) {
                if (closed) {
                    return;
                }
                handle(queued);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            if (closed) {
                return;
            }
            LOG.warn("node {}: task queue not done ({}); trying again in {} ms", node, e.toString(), RETRY_AFTER.toMillis());
            try {
                worker.schedule(this::requestScan, RETRY_AFTER.toMillis(), TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException closing) {
                // closed meanwhile
            }
        }
    }

    private record QueuedTask(String name, long czxid, byte[] data) {
    }

    private List<QueuedTask> queue() throws Exception {
        List<QueuedTask> queue = new ArrayList<>();
        for (String name : client.getChildren().forPath(ZkPaths.tasks(node))) {
            Stat stat = new Stat();
            try {
                byte[] data = client.getData().storingStatIn(stat).forPath(ZkPaths.task(node, name));
                queue.add(new QueuedTask(name, stat.getCzxid(), data));
            } catch (KeeperException.NoNodeException gone) {
                // taken away since it was listed
            }
        }
        queue.sort(Comparator.comparingLong(QueuedTask::czxid));
        return queue;
    }

    private void handle(QueuedTask queued) throws Exception {
        NodeTask task;
        try {
            task = Json.read(new String(queued.data(), StandardCharsets.UTF_8), NodeTask.class);
            if (task.id() == null) {
                throw GantryException.invalid("task has no id");
            }
        } catch (GantryException malformed) {
            LOG.warn("node {}: task {} is malformed: {}", node, queued.name(), malformed.getMessage());
            publish(queued.name(), new TaskResult(idFromName(queued.name()), null, false, null, null,
                    "malformed task: " + malformed.getMessage(), clock.instant()));
            return;
        }
        Optional<TaskResult> known = finished.find(task.id());
        TaskResult result;
        if (known.isPresent()) {
            LOG.info("node {}: task {} was already done; publishing its result again", node, task.id());
            result = known.get();
        } else {
            LOG.info("node {}: task {}: {} zone {}", node, task.id(), task.kind(), task.machine());
            result = executor.execute(task);
            finished.record(result);
            afterEachTask.run();
        }
        publish(queued.name(), result);
    }

    private void publish(String name, TaskResult result) throws Exception {
        byte[] json = Json.write(result).getBytes(StandardCharsets.UTF_8);
        String resultPath = ZkPaths.result(node, name);
        CuratorOp write = client.checkExists().forPath(resultPath) == null
                ? client.transactionOp().create().forPath(resultPath, json)
                : client.transactionOp().setData().forPath(resultPath, json);
        client.transaction().forOperations(write, client.transactionOp().delete().forPath(ZkPaths.task(node, name)));
    }

    private static UUID idFromName(String name) {
        try {
            return UUID.fromString(name);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** Stops taking tasks; a task being done is finished (and recorded) first. */
    @Override
    public void close() {
        closed = true;
        client.getConnectionStateListenable().removeListener(onReconnect);
        cache.close();
        worker.shutdown();
        try {
            if (!worker.awaitTermination(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("node {}: the task worker did not stop within {} s; interrupting it", node, CLOSE_WAIT.toSeconds());
                worker.shutdownNow();
            }
        } catch (InterruptedException e) {
            worker.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
