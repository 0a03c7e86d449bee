package io.gantry.agent.coord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gantry.common.Json;
import io.gantry.common.coord.NodeAdvert;
import io.gantry.common.coord.NodeCapacity;
import io.gantry.common.coord.ZkPaths;
import io.gantry.testkit.TestZooKeeper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The node's advert in a real (embedded) ZooKeeper: ephemeral, gone with the session, back with the next one. */
class NodeMembershipTest {
    private static final NodeAdvert ADVERT = new NodeAdvert("cn1", "10.0.0.1", "simulated", new NodeCapacity(4096, 10_000, 4),
            Map.of("rack", "r1"), Instant.parse("2025-01-01T00:00:00Z"));

    @TempDir
    Path tmp;
    private TestZooKeeper zk;
    private CuratorFramework agent;
    private CuratorFramework observer;
    private NodeMembership membership;

    @BeforeEach
    void setUp() throws Exception {
        zk = TestZooKeeper.start(tmp.resolve("zk"));
        agent = zk.newClient();
        observer = zk.newClient();
    }

    @AfterEach
    void tearDown() throws Exception {
        if (membership != null) {
            membership.close();
        }
        agent.close();
        observer.close();
        zk.close();
    }

    @Test
    void advertAppearsAsEphemeralAndDisappearsWhenTheClientCloses() throws Exception {
        membership = new NodeMembership(agent, ADVERT);
        membership.start();
        assertThat(membership.awaitAdvertised(Duration.ofSeconds(10))).isTrue();

        Stat stat = new Stat();
        byte[] data = observer.getData().storingStatIn(stat).forPath(ZkPaths.alive("cn1"));
        assertThat(Json.read(new String(data, StandardCharsets.UTF_8), NodeAdvert.class)).isEqualTo(ADVERT);
        assertThat(stat.getEphemeralOwner()).isEqualTo(agent.getZookeeperClient().getZooKeeper().getSessionId());
        // a container znode would carry a special ephemeral owner; the node's directory is plain persistent
        assertThat(observer.checkExists().forPath(ZkPaths.node("cn1")).getEphemeralOwner()).isZero();

        agent.close();
        await().atMost(Duration.ofSeconds(10)).until(() -> observer.checkExists().forPath(ZkPaths.alive("cn1")) == null);
    }

    @Test
    void advertComesBackAfterTheSessionExpires() throws Exception {
        membership = new NodeMembership(agent, ADVERT);
        membership.start();
        assertThat(membership.awaitAdvertised(Duration.ofSeconds(10))).isTrue();
        long firstSession = observer.checkExists().forPath(ZkPaths.alive("cn1")).getEphemeralOwner();

        zk.expireSession(agent);

        await().atMost(Duration.ofSeconds(15)).until(() -> {
            Stat stat = observer.checkExists().forPath(ZkPaths.alive("cn1"));
            return stat != null && stat.getEphemeralOwner() != firstSession;
        });
        Stat stat = observer.checkExists().forPath(ZkPaths.alive("cn1"));
        assertThat(stat.getEphemeralOwner()).isEqualTo(agent.getZookeeperClient().getZooKeeper().getSessionId());
        byte[] data = observer.getData().forPath(ZkPaths.alive("cn1"));
        assertThat(Json.read(new String(data, StandardCharsets.UTF_8), NodeAdvert.class)).isEqualTo(ADVERT);
    }
}
