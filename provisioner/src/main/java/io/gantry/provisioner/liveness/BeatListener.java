package io.gantry.provisioner.liveness;

import io.gantry.common.coord.NodeBeat;
import io.gantry.common.coord.ZkPaths;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.nodes.PersistentNode;
import org.apache.curator.utils.ZKPaths;
import org.apache.zookeeper.CreateMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One provisioner's ear for the nodes' beats, leader or not: a UDP socket whose address it registers under
 * {@link ZkPaths#LIVENESS} (ephemeral, gone with its session), and a thread that notes every beat in
 * {@link NodeBeats}. Followers listen too, so a new leader judges nodes from the moment it leads. The leader's judge
 * ({@link #lookWith}) runs on the same thread every {@link NodeLiveness#LOOK_EVERY}, always after every datagram
 * already queued on the socket has been read: a listener that fell behind (its process stopped or starved) catches
 * up on the beats before anyone is judged silent.
 */
public final class BeatListener implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BeatListener.class);

    private final DatagramChannel channel;
    private final PersistentNode registration;
    private final NodeBeats beats = new NodeBeats();
    private final Thread thread;
    private final String address;
    private final int port;
    private volatile Runnable look = () -> {
    };

    private BeatListener(DatagramChannel channel, PersistentNode registration, String address, int port) {
        this.channel = channel;
        this.port = port;
        this.registration = registration;
        this.address = address;
        this.thread = new Thread(this::run, "gantry-provisioner-beats");
        this.thread.setDaemon(true);
    }

    /** Binds the socket, starts listening and registers the address as {@code id}, with an already started client. */
    public static BeatListener start(CuratorFramework client, String id, NodeLiveness liveness) {
        DatagramChannel channel = null;
        try {
            channel = DatagramChannel.open();
            channel.bind(new InetSocketAddress(liveness.host(), liveness.port()));
            channel.configureBlocking(false);
            int port = ((InetSocketAddress) channel.getLocalAddress()).getPort();
            String host = liveness.advertisedHost().contains(":") ? "[" + liveness.advertisedHost() + "]" : liveness.advertisedHost();
            String address = host + ":" + port;
            PersistentNode registration = new PersistentNode(client, CreateMode.EPHEMERAL, false,
                    ZKPaths.makePath(ZkPaths.LIVENESS, id), address.getBytes(StandardCharsets.UTF_8));
            BeatListener listener = new BeatListener(channel, registration, address, port);
            listener.thread.start();
            registration.start();
            return listener;
        } catch (IOException e) {
            closeQuietly(channel);
            throw new IllegalStateException("provisioner " + id + " cannot listen for node beats on " + liveness.host() + ":"
                    + liveness.port() + ": " + e.getMessage(), e);
        }
    }

    private void run() {
        ByteBuffer buffer = ByteBuffer.allocate(NodeBeat.MAX_BYTES);
        long lookEvery = NodeLiveness.LOOK_EVERY.toNanos();
        long lastLook = System.nanoTime();
        try (Selector selector = Selector.open()) {
            channel.register(selector, SelectionKey.OP_READ);
            while (channel.isOpen()) {
                selector.select(NodeLiveness.LOOK_EVERY.toMillis());
                selector.selectedKeys().clear();
                drain(buffer);
                long now = System.nanoTime();
                if (now - lastLook >= lookEvery) {
                    lastLook = now;
                    lookNow();
                }
            }
        } catch (ClosedChannelException | ClosedSelectorException e) {
            // closed: done
        } catch (IOException e) {
            if (channel.isOpen()) {
                LOG.error("node beats: the listener stops: {}", e.toString());
            }
        }
    }

    /** Reads every datagram waiting on the socket. */
    private void drain(ByteBuffer buffer) throws IOException {
        while (true) {
            buffer.clear();
            if (channel.receive(buffer) == null) {
                return;
            }
            long at = System.nanoTime();
            Optional<NodeBeat> beat = NodeBeat.decode(buffer.array(), buffer.position());
            beat.ifPresent(b -> beats.beat(b.node(), at));
        }
    }

    private void lookNow() {
        try {
            look.run();
        } catch (RuntimeException e) {
            LOG.warn("node beats: judging them failed: {}", e.toString());
        }
    }

    /** From now on {@code judge} runs on the listener's thread after each catch-up, about every {@link NodeLiveness#LOOK_EVERY}. */
    public void lookWith(Runnable judge) {
        this.look = judge;
    }

    /** No judge runs any more (once a look in progress has ended, if the caller holds what that look locks). */
    public void stopLooking() {
        this.look = () -> {
        };
    }

    public NodeBeats beats() {
        return beats;
    }

    /** The bound port (the {@link LifeLine}'s too, on TCP). */
    public int port() {
        return port;
    }

    /** Where agents send beats, as registered: {@code host:port}. */
    public String address() {
        return address;
    }

    private static void closeQuietly(DatagramChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                LOG.debug("closing the beat socket: {}", e.toString());
            }
        }
    }

    @Override
    public void close() {
        try {
            registration.close();
        } catch (IOException | RuntimeException e) {
            LOG.debug("withdrawing the beat address: {}", e.toString());
        }
        closeQuietly(channel);
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
