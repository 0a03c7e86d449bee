package io.gantry.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.state.ConnectionState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestZooKeeperTest {
    @Test
    void aRestartedServerKeepsItsPortAndData(@TempDir Path dir) throws Exception {
        try (TestZooKeeper zk = TestZooKeeper.start(dir)) {
            assertThat(zk.connectString()).isEqualTo("127.0.0.1:" + zk.port());
            try (CuratorFramework client = zk.newClient()) {
                client.create().forPath("/kept", "yes".getBytes(StandardCharsets.UTF_8));
            }
            zk.stopServer();
            zk.startServer();
            try (CuratorFramework client = zk.newClient()) {
                assertThat(new String(client.getData().forPath("/kept"), StandardCharsets.UTF_8)).isEqualTo("yes");
            }
        }
    }

    @Test
    void anExpiredSessionLosesItsEphemeralNodes(@TempDir Path dir) throws Exception {
        try (TestZooKeeper zk = TestZooKeeper.start(dir);
             CuratorFramework client = zk.newClient();
             CuratorFramework observer = zk.newClient()) {
            CountDownLatch lost = new CountDownLatch(1);
            client.getConnectionStateListenable().addListener((c, state) -> {
                if (state == ConnectionState.LOST) {
                    lost.countDown();
                }
            });
            client.create().withMode(org.apache.zookeeper.CreateMode.EPHEMERAL).forPath("/mine");
            zk.expireSession(client);
            assertThat(lost.await(15, TimeUnit.SECONDS)).as("the client saw its session end").isTrue();
            assertThat(observer.checkExists().forPath("/mine")).isNull();
        }
    }

    @Test
    void theSharedServerIsOneForTheJvm() throws Exception {
        assertThat(TestZooKeeper.shared()).isSameAs(TestZooKeeper.shared());
    }

    @Test
    void anEnsembleServesWithOneMemberLost(@TempDir Path dir) throws Exception {
        try (ZooKeeperEnsemble ensemble = ZooKeeperEnsemble.start(dir)) {
            assertThat(ensemble.connectString().split(",")).hasSize(3);
            ensemble.stopMember(0);
            try (CuratorFramework client = org.apache.curator.framework.CuratorFrameworkFactory.newClient(ensemble.connectString(),
                    4000, 3000, new org.apache.curator.retry.ExponentialBackoffRetry(100, 5))) {
                client.start();
                assertThat(client.blockUntilConnected(15, TimeUnit.SECONDS)).isTrue();
                client.create().forPath("/after-loss");
                assertThat(client.checkExists().forPath("/after-loss")).isNotNull();
            }
        }
    }
}
