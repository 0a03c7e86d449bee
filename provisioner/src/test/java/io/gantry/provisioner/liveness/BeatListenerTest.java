package io.gantry.provisioner.liveness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gantry.common.coord.NodeBeat;
import io.gantry.common.coord.ZkPaths;
import io.gantry.testkit.TestZooKeeper;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.Test;

class BeatListenerTest {
    @Test
    void registersItsAddressAndNotesEveryBeatButNotStrayDatagrams() throws Exception {
        try (CuratorFramework zk = TestZooKeeper.shared().newClient();
             BeatListener listener = BeatListener.start(zk, "p-test-" + System.nanoTime(), NodeLiveness.loopback());
             DatagramChannel agent = DatagramChannel.open()) {
            await().atMost(Duration.ofSeconds(10)).until(() -> zk.getChildren().forPath(ZkPaths.LIVENESS).stream()
                    .anyMatch(child -> listener.address().equals(data(zk, ZkPaths.LIVENESS + "/" + child))));
            assertThat(listener.address()).startsWith("127.0.0.1:");
            int port = Integer.parseInt(listener.address().substring(listener.address().lastIndexOf(':') + 1));
            InetSocketAddress to = new InetSocketAddress("127.0.0.1", port);

            long before = System.nanoTime();
            agent.send(ByteBuffer.wrap("not a beat".getBytes(StandardCharsets.UTF_8)), to);
            agent.send(ByteBuffer.wrap(new NodeBeat("cn1", 1).encode()), to);
            await().atMost(Duration.ofSeconds(5)).until(() -> listener.beats().lastSigns().containsKey("cn1"));
            assertThat(listener.beats().lastSigns()).containsOnlyKeys("cn1");
            assertThat(listener.beats().lastSigns().get("cn1")).isGreaterThanOrEqualTo(before);
        }
    }

    @Test
    void aSignOtherThanABeatCountsOnlyForANodeThatBeats() {
        NodeBeats beats = new NodeBeats();
        beats.sign("old-agent", 10);
        assertThat(beats.lastSigns()).as("never beaten: judged by its session alone").isEmpty();
        beats.beat("cn1", 5);
        beats.sign("cn1", 20);
        beats.beat("cn1", 15);
        assertThat(beats.lastSigns()).containsExactly(java.util.Map.entry("cn1", 20L));
    }

    private static String data(CuratorFramework zk, String path) {
        try {
            return new String(zk.getData().forPath(path), StandardCharsets.UTF_8);
        } catch (Exception e) {
            return "";
        }
    }
}
