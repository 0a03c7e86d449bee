package io.gantry.agent.coord;

import static org.assertj.core.api.Assertions.assertThat;

import io.gantry.common.coord.LivenessAddress;
import io.gantry.common.coord.NodeBeat;
import io.gantry.common.coord.ZkPaths;
import io.gantry.testkit.TestZooKeeper;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.CreateMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class BeatSenderTest {
    @Test
    @Timeout(30)
    void beatsReachEveryRegisteredProvisionerAboutEveryIntervalAndStopWhenClosed() throws Exception {
        String node = "beat-" + System.nanoTime();
        try (CuratorFramework zk = TestZooKeeper.shared().newClient();
             DatagramChannel provisioner = DatagramChannel.open()) {
            String registration = register(zk, provisioner, node);

            List<NodeBeat> mine = new ArrayList<>();
            long first;
            try (BeatSender sender = BeatSender.start(zk, node, Duration.ofMillis(50))) {
                mine.add(receive(provisioner, node));
                first = System.nanoTime();
                while (mine.size() < 11) {
                    mine.add(receive(provisioner, node));
                }
            }
            long tenIntervals = System.nanoTime() - first;
            assertThat(Duration.ofNanos(tenIntervals)).as("10 beats at 50 ms").isBetween(Duration.ofMillis(400), Duration.ofMillis(2000));
            assertThat(mine).extracting(NodeBeat::seq).isSorted().doesNotHaveDuplicates();
            provisioner.configureBlocking(false);
            Thread.sleep(200);
            drain(provisioner);
            Thread.sleep(300);
            assertThat(drain(provisioner)).as("beats after close").isZero();
            zk.delete().forPath(registration);
        }
    }

    @Test
    @Timeout(30)
    void oneSenderForSeveralNodesBeatsForEachOfThemAsItsOwnDatagram() throws Exception {
        String prefix = "beats-" + System.nanoTime() + "-";
        List<String> nodes = List.of(prefix + "a", prefix + "b", prefix + "c");
        try (CuratorFramework zk = TestZooKeeper.shared().newClient();
             DatagramChannel provisioner = DatagramChannel.open()) {
            String registration = register(zk, provisioner, prefix);
            java.util.Map<String, List<Long>> seqs = new java.util.HashMap<>();
            try (BeatSender sender = BeatSender.start(zk, nodes, Duration.ofMillis(50))) {
                ByteBuffer buffer = ByteBuffer.allocate(NodeBeat.MAX_BYTES);
                while (seqs.size() < nodes.size() || seqs.values().stream().anyMatch(s -> s.size() < 3)) {
                    buffer.clear();
                    provisioner.receive(buffer);
                    NodeBeat.decode(buffer.array(), buffer.position()).filter(b -> b.node().startsWith(prefix))
                            .ifPresent(b -> seqs.computeIfAbsent(b.node(), n -> new ArrayList<>()).add(b.seq()));
                }
            }
            assertThat(seqs).containsOnlyKeys(nodes);
            seqs.values().forEach(s -> assertThat(s).isSorted().doesNotHaveDuplicates());
            zk.delete().forPath(registration);
        }
    }

    @Test
    void registeredAddressesAreReadAsHostAndPort() {
        assertThat(LivenessAddress.parse("10.0.0.5:7095")).contains(new InetSocketAddress("10.0.0.5", 7095));
        assertThat(LivenessAddress.parse(" [::1]:7095\n")).contains(new InetSocketAddress("::1", 7095));
        for (String bad : new String[] {"", "host", "host:", ":7095", "host:0", "host:70000", "host:x"}) {
            assertThat(LivenessAddress.parse(bad)).as(bad).isEqualTo(Optional.empty());
        }
    }

    /** Binds {@code provisioner} on loopback and registers its address as a provisioner's, as {@code p-<name>}: the path. */
    private static String register(CuratorFramework zk, DatagramChannel provisioner, String name) throws Exception {
        provisioner.bind(new InetSocketAddress("127.0.0.1", 0));
        int port = ((InetSocketAddress) provisioner.getLocalAddress()).getPort();
        String registration = ZkPaths.LIVENESS + "/p-" + name;
        zk.create().creatingParentsIfNeeded().withMode(CreateMode.EPHEMERAL)
                .forPath(registration, ("127.0.0.1:" + port).getBytes(StandardCharsets.UTF_8));
        return registration;
    }

    /** The next beat of {@code node} (beats of other tests' nodes are skipped). */
    private static NodeBeat receive(DatagramChannel channel, String node) throws Exception {
        ByteBuffer buffer = ByteBuffer.allocate(NodeBeat.MAX_BYTES);
        while (true) {
            buffer.clear();
            channel.receive(buffer);
            Optional<NodeBeat> beat = NodeBeat.decode(buffer.array(), buffer.position());
            if (beat.isPresent() && beat.get().node().equals(node)) {
                return beat.get();
            }
        }
    }

    private static int drain(DatagramChannel channel) throws Exception {
        int n = 0;
        ByteBuffer buffer = ByteBuffer.allocate(NodeBeat.MAX_BYTES);
        while (channel.receive(buffer.clear()) != null) {
            n++;
        }
        return n;
    }
}
