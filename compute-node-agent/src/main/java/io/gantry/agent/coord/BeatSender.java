package io.gantry.agent.coord;

import io.gantry.common.coord.NodeBeat;
import io.gantry.common.coord.LivenessAddress;
import io.gantry.common.coord.ZkPaths;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.utils.ZKPaths;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's heartbeat: every {@code interval} one {@link NodeBeat} datagram to each provisioner that registered its
 * beat address under {@link ZkPaths#LIVENESS}. The provisioners judge a node lost when its beats stop for longer than
 * their silence window, much sooner than its ZooKeeper session would expire (docs/architecture.md, node liveness). A
 * beat says only "this agent's process runs and reaches you"; the ZooKeeper advert stays the node's membership.
 * One sender can beat for several nodes that live in one process (the simulated fleet of the provisioning bench):
 * each node's beat is still its own datagram, from one thread instead of one per node.
 */
public final class BeatSender implements AutoCloseable {
    /** Ten beats a second: a silence window of 1.4 s spans 14 of them, so one lost datagram changes nothing. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofMillis(100);
    private static final Logger LOG = LoggerFactory.getLogger(BeatSender.class);

    private final List<String> nodes;
    private final Duration interval;
    private final CuratorCache provisioners;
    private final DatagramChannel channel;
    private final Thread thread;
    private volatile boolean running = true;
    // resolved when the registrations change, not at every beat
    private volatile List<InetSocketAddress> targets = List.of();
    private long seq;

    private BeatSender(List<String> nodes, Duration interval, CuratorCache provisioners, DatagramChannel channel) {
        this.nodes = nodes;
        this.interval = interval;
        this.provisioners = provisioners;
        this.channel = channel;
        this.thread = new Thread(this::run, "gantry-beat-" + nodes.get(0) + (nodes.size() > 1 ? "+" + (nodes.size() - 1) : ""));
        this.thread.setDaemon(true);
    }

    /** Starts beating with an already started client (which stays the caller's). */
    public static BeatSender start(CuratorFramework client, String node, Duration interval) {
        return start(client, List.of(node), interval);
    }

    /** As above, one beat for each of {@code nodes} every interval, all from one thread. */
    public static BeatSender start(CuratorFramework client, List<String> nodes, Duration interval) {
        if (nodes.isEmpty()) {
            throw new IllegalArgumentException("a beat sender needs at least one node");
        }
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("the beat interval must be positive, not " + interval);
        }
        CuratorCache cache = CuratorCache.build(client, ZkPaths.LIVENESS);
        try {
            BeatSender sender = new BeatSender(List.copyOf(nodes), interval, cache, DatagramChannel.open());
            cache.listenable().addListener((type, before, after) -> sender.targets = sender.addresses());
            cache.start();
            sender.thread.start();
            return sender;
        } catch (IOException e) {
            cache.close();
            throw new IllegalStateException("node " + nodes.get(0) + ": cannot open a UDP socket for heartbeats: " + e.getMessage(), e);
        }
    }

    private void run() {
        long intervalNanos = interval.toNanos();
        long next = System.nanoTime();
        while (running) {
            beatOnce();
            next += intervalNanos;
            long now = System.nanoTime();
            if (next < now) {
                next = now; // after a pause, beat at once and keep the rhythm from here instead of catching up
            }
            try {
                Thread.sleep(Math.max(1, (next - now) / 1_000_000));
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void beatOnce() {
        List<InetSocketAddress> to = targets;
        seq++;
        for (String node : nodes) {
            ByteBuffer beat = ByteBuffer.wrap(new NodeBeat(node, seq).encode());
            for (InetSocketAddress provisioner : to) {
                try {
                    channel.send(beat.rewind(), provisioner);
                } catch (IOException | RuntimeException e) {
                    LOG.debug("node {}: beat to {} not sent: {}", node, provisioner, e.toString());
                }
            }
        }
    }

    /** Where beats go: every registered provisioner's address. */
    List<InetSocketAddress> addresses() {
        return provisioners.stream().map(BeatSender::address).flatMap(Optional::stream).toList();
    }

    private static Optional<InetSocketAddress> address(ChildData child) {
        if (!ZkPaths.LIVENESS.equals(ZKPaths.getPathAndNode(child.getPath()).getPath()) || child.getData() == null) {
            return Optional.empty(); // the parent itself, or a deeper node
        }
        return LivenessAddress.parse(new String(child.getData(), StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        provisioners.close();
        try {
            channel.close();
        } catch (IOException e) {
            LOG.debug("node {}: closing the beat socket: {}", nodes.get(0), e.toString());
        }
    }
}
