package io.gantry.provisioner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gantry.provisioner.liveness.LifeLine;
import io.gantry.testkit.TestZooKeeper;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.zookeeper.CreateMode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A follower's watch on the leader's process, on a real ZooKeeper: the leader here is a bare latch member with a
 * session that never ends, so only the watch can pass the lead on.
 */
class DeadLeaderWatchTest {
    private static final String LATCH = "/election";
    private static final String LIVENESS = io.gantry.common.coord.ZkPaths.LIVENESS;
    private final Deque<AutoCloseable> started = new ArrayDeque<>();
    private final String namespace = "leader-watch-" + UUID.randomUUID();
    private final List<String> told = new CopyOnWriteArrayList<>();

    @AfterEach
    void closeNewestFirst() throws Exception {
        while (!started.isEmpty()) {
            started.pop().close();
        }
    }

    private CuratorFramework client() throws Exception {
        CuratorFramework client = StepRig.client(TestZooKeeper.shared(), namespace);
        started.push(client);
        return client;
    }

    private LeaderLatch member(CuratorFramework client, String id) throws Exception {
        LeaderLatch latch = new LeaderLatch(client, LATCH, id);
        latch.start();
        started.push(latch);
        return latch;
    }

    private void register(CuratorFramework client, String id, int port) throws Exception {
        String path = LIVENESS + "/" + id;
        byte[] address = ("127.0.0.1:" + port).getBytes(StandardCharsets.UTF_8);
        if (client.checkExists().forPath(path) == null) {
            client.create().creatingParentsIfNeeded().withMode(CreateMode.EPHEMERAL).forPath(path, address);
        } else {
            client.setData().forPath(path, address);
        }
    }

    private DeadLeaderWatch watch(CuratorFramework client) {
        DeadLeaderWatch watch = new DeadLeaderWatch(client, LATCH, told::add);
        watch.start();
        started.push(watch);
        return watch;
    }

    @Test
    void theLeadPassesWhenTheLeadersLifeLineEndsWhileItsSessionLives() throws Exception {
        CuratorFramework leaderClient = client();
        LeaderLatch leader = member(leaderClient, "old");
        await().until(leader::hasLeadership);
        LifeLine line = LifeLine.open("old", "1a2b3c", "127.0.0.1", 0).orElseThrow();
        started.push(line);
        CuratorFramework followerClient = client();
        LeaderLatch follower = member(followerClient, "new");
        DeadLeaderWatch watch = watch(followerClient);
        register(leaderClient, "old", port(line));
        await().until(() -> line.connections() == 1);
        assertThat(follower.hasLeadership()).isFalse();
        assertThat(watch.takeDeposed()).isEmpty();

        line.close();

        await().until(follower::hasLeadership);
        assertThat(watch.takeDeposed()).as("the incarnation its greeting named, for the next term to wait on").contains("1a2b3c");
        assertThat(watch.takeDeposed()).isEmpty();
        await().untilAsserted(() -> assertThat(told).as("told, to end its database sessions").containsExactly("1a2b3c"));
        assertThat(leaderClient.getZookeeperClient().isConnected()).as("the old leader's session lives on").isTrue();
        assertThat(leaderClient.checkExists().forPath(LIVENESS + "/old")).isNotNull();
    }

    @Test
    void somethingElseOnTheLeadersPortThatHangsUpProvesNothing() throws Exception {
        CuratorFramework leaderClient = client();
        LeaderLatch leader = member(leaderClient, "old");
        await().until(leader::hasLeadership);
        AtomicInteger hungUp = new AtomicInteger();
        ServerSocket other = new ServerSocket(0);
        started.push(other);
        Thread hangUp = new Thread(() -> {
            while (!other.isClosed()) {
                try (Socket s = other.accept()) {
                    s.getOutputStream().write("SSH-2.0-OpenSSH\n".getBytes(StandardCharsets.UTF_8));
                    hungUp.incrementAndGet();
                } catch (Exception e) {
                    return;
                }
            }
        });
        hangUp.setDaemon(true);
        hangUp.start();
        register(leaderClient, "old", other.getLocalPort());
        CuratorFramework followerClient = client();
        LeaderLatch follower = member(followerClient, "new");
        watch(followerClient);
        await().until(() -> hungUp.get() >= 1);

        // the watch judged that connection (it waits 5 s before it tries again); a leader with a real life line is
        // then deposed when it dies, so the watch did not stop at the impostor
        LifeLine line = LifeLine.open("old", "1a2b3c", "127.0.0.1", 0).orElseThrow();
        started.push(line);
        register(leaderClient, "old", port(line));
        assertThat(leader.hasLeadership()).isTrue();
        assertThat(follower.hasLeadership()).isFalse();
        await().until(() -> line.connections() == 1);
        assertThat(follower.hasLeadership()).as("the impostor's hang-up deposed no one").isFalse();
        assertThat(told).isEmpty();
        line.close();
        await().until(follower::hasLeadership);
    }

    private static int port(LifeLine line) {
        return line.port();
    }
}
