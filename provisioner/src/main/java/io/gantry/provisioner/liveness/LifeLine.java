package io.gantry.provisioner.liveness;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A provisioner's life line: a TCP listener on the same port number as its beat socket (UDP), which greets each
 * connection with {@link #greeting} and then holds it open for as long as this process lives. A standby keeps one
 * connection to the leader's ({@code DeadLeaderWatch}); when the leader's process dies, its kernel closes the
 * connection at once, so the standby learns of the death without waiting for the leader's ZooKeeper session to
 * expire. Nothing here ever closes a connection a peer still holds open, except {@link #close} (this provisioner
 * stopping, after it has left the election).
 */
public final class LifeLine implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LifeLine.class);
    /** More than any number of standbys; a port scan or a leak cannot take every descriptor. */
    private static final int MAX_CONNECTIONS = 64;

    private final ServerSocketChannel server;
    private final Selector selector;
    private final ByteBuffer greeting;
    private final Thread thread;
    private final int port;
    private volatile boolean open = true;
    private volatile int connections;

    private LifeLine(ServerSocketChannel server, Selector selector, String id, String incarnation) throws IOException {
        this.server = server;
        this.port = ((InetSocketAddress) server.getLocalAddress()).getPort();
        this.selector = selector;
        this.greeting = ByteBuffer.wrap((greeting(id) + incarnation + "\n").getBytes(StandardCharsets.UTF_8)).asReadOnlyBuffer();
        this.thread = new Thread(this::run, "gantry-provisioner-life-line");
        this.thread.setDaemon(true);
    }

    /**
     * How the life line of provisioner {@code id} begins every connection; the process's incarnation (random, new with
     * every start) and a newline follow.
     */
    public static String greeting(String id) {
        return "gantry-provisioner " + id + " ";
    }

    /**
     * Listens on TCP {@code host:port} (the beat socket's port) for provisioner {@code id} in its {@code incarnation};
     * empty, with a warning, when the port is taken: standbys then see this provisioner's death only when its session
     * expires.
     */
    public static Optional<LifeLine> open(String id, String incarnation, String host, int port) {
        ServerSocketChannel server = null;
        try {
            server = ServerSocketChannel.open();
            server.bind(new InetSocketAddress(host, port));
            server.configureBlocking(false);
            Selector selector = Selector.open();
            server.register(selector, SelectionKey.OP_ACCEPT);
            LifeLine line = new LifeLine(server, selector, id, incarnation);
            line.thread.start();
            return Optional.of(line);
        } catch (IOException e) {
            closeQuietly(server);
            LOG.warn("provisioner {}: no life line on TCP {}:{} ({}); a standby will see this provisioner's death only when its "
                    + "ZooKeeper session ends", id, host, port, e.toString());
            return Optional.empty();
        }
    }

    private void run() {
        ByteBuffer sink = ByteBuffer.allocate(256);
        try {
            while (open) {
                selector.select();
                for (SelectionKey key : selector.selectedKeys()) {
                    if (!key.isValid()) {
                        continue;
                    }
                    if (key.isAcceptable()) {
                        accept();
                    } else if (key.isReadable()) {
                        readOrDrop(key, sink);
                    }
                }
                selector.selectedKeys().clear();
            }
        } catch (IOException | RuntimeException e) {
            LOG.error("life line: the listener stops, and with it every connection: {}", e.toString());
        } finally {
            for (SelectionKey key : selector.keys()) {
                closeQuietly(key.channel());
            }
            // closing the selector deregisters the channels, which is when their sockets really close
            closeQuietly(selector);
        }
    }

    /** A failed accept (no descriptor left, a peer gone already) drops that one connection, never the others. */
    private void accept() {
        SocketChannel peer = null;
        try {
            peer = server.accept();
            if (peer == null) {
                return;
            }
            if (connections >= MAX_CONNECTIONS) {
                closeQuietly(peer);
                return;
            }
            peer.configureBlocking(false);
            // a few bytes on a new connection: the socket's send buffer takes them whole
            peer.write(greeting.duplicate());
            peer.register(selector, SelectionKey.OP_READ);
            connections++;
        } catch (IOException e) {
            closeQuietly(peer);
            LOG.debug("life line: a connection not taken: {}", e.toString());
        }
    }

    /** A peer sends nothing; whatever it sends is dropped, and its close (or reset) frees the connection. */
    private void readOrDrop(SelectionKey key, ByteBuffer sink) {
        SocketChannel peer = (SocketChannel) key.channel();
        int read;
        try {
            sink.clear();
            read = peer.read(sink);
        } catch (IOException e) {
            read = -1;
        }
        if (read < 0) {
            key.cancel();
            closeQuietly(peer);
            connections--;
        }
    }

    /** The bound port. */
    public int port() {
        return port;
    }

    /** Connections held open now. */
    public int connections() {
        return connections;
    }

    /** Closes the listener and every connection: to a standby, exactly what this process's death looks like. */
    @Override
    public void close() {
        open = false;
        selector.wakeup();
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c != null) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.debug("life line: closing {}: {}", c, e.toString());
            }
        }
    }
}
