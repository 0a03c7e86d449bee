package io.gantry.agent.mdata;

import io.gantry.agent.mdata.MetadataProtocol.Answer;
import io.gantry.agent.mdata.MetadataProtocol.Request;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the metadata protocol on one UNIX socket per zone, all from one selector thread: a zone can reach only its
 * own socket, so the socket a request comes in on says which zone asks. Requests that take time (waiting for a new
 * zone's metadata, a PUT written to ZooKeeper) are answered when their future completes; a connection reads its next
 * request only after answering the last.
 *
 * <p>Nothing a zone sends stops the server: a line that is no request is answered {@code invalid command}; a line
 * longer than {@link #MAX_LINE} closes the connection; a zone holding more than {@link #MAX_CONNECTIONS_PER_ZONE}
 * connections open has its newest ones closed at once.
 */
public final class MetadataServer implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(MetadataServer.class);
    /** The longest line read: a PUT's value is base64-encoded twice, so values up to about 580 KiB can be put. */
    public static final int MAX_LINE = 1 << 20;
    public static final int MAX_CONNECTIONS_PER_ZONE = 64;

    /** Answers one zone's request; may complete later, from any thread. */
    @FunctionalInterface
    public interface Handler {
        CompletableFuture<Answer> handle(UUID zone, Request request);
    }

    private final Handler handler;
    private final Selector selector;
    private final Thread loop;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final Map<UUID, Listener> listeners = new HashMap<>(); // the loop thread's only
    private volatile boolean running = true;

    private record Listener(UUID zone, ServerSocketChannel channel, Path socket, int[] open) {
    }

    private final class Connection {
        final UUID zone;
        final SocketChannel channel;
        final Listener listener;
        final ByteBuffer in = ByteBuffer.allocate(16 * 1024).flip();
        final ByteArrayOutputStream line = new ByteArrayOutputStream();
        final Deque<ByteBuffer> out = new ArrayDeque<>();
        SelectionKey key;
        boolean busy;
        boolean eof;
        boolean closing;

        Connection(UUID zone, SocketChannel channel, Listener listener) {
            this.zone = zone;
            this.channel = channel;
            this.listener = listener;
        }
    }

    public MetadataServer(Handler handler) {
        this.handler = handler;
        try {
            this.selector = Selector.open();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.loop = new Thread(this::run, "gantry-mdata");
        loop.setDaemon(true);
        loop.start();
    }

    /** Makes (again) the zone's socket at {@code socket}, replacing any file there; returns once it accepts. */
    public void listen(UUID zone, Path socket) {
        onLoop(() -> {
            Listener old = listeners.remove(zone);
            if (old != null) {
                closeQuietly(old.channel());
            }
            try {
                Files.createDirectories(socket.getParent());
                Files.deleteIfExists(socket);
                ServerSocketChannel channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
                channel.bind(UnixDomainSocketAddress.of(socket), 64);
                Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
                channel.configureBlocking(false);
                Listener listener = new Listener(zone, channel, socket, new int[1]);
                channel.register(selector, SelectionKey.OP_ACCEPT, listener);
                listeners.put(zone, listener);
                return null;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot make the metadata socket " + socket + ": " + e.getMessage(), e);
            }
        });
    }

    /** Closes the zone's socket and removes its file (connections open on it finish their request). */
    public void stopListening(UUID zone) {
        onLoop(() -> {
            Listener listener = listeners.remove(zone);
            if (listener != null) {
                closeQuietly(listener.channel());
                deleteQuietly(listener.socket());
            }
            return null;
        });
    }

    public boolean listening(UUID zone) {
        return onLoop(() -> listeners.containsKey(zone));
    }

    @Override
    public void close() {
        if (!running) {
            return;
        }
        try {
            onLoop(() -> {
                listeners.values().forEach(l -> {
                    closeQuietly(l.channel());
                    deleteQuietly(l.socket());
                });
                listeners.clear();
                return null;
            });
        } catch (RuntimeException e) {
            LOG.warn("mdata: while closing: {}", e.toString());
        }
        running = false;
        selector.wakeup();
        try {
            loop.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private <T> T onLoop(Supplier<T> task) {
        if (!running) {
            throw new IllegalStateException("the metadata server is closed");
        }
        if (Thread.currentThread() == loop) {
            return task.get();
        }
        CompletableFuture<T> done = new CompletableFuture<>();
        tasks.add(() -> {
            try {
                done.complete(task.get());
            } catch (RuntimeException e) {
                done.completeExceptionally(e);
            }
        });
        selector.wakeup();
        try {
            return done.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("the metadata server did not answer in 30 s");
        }
    }

    private void run() {
        while (running) {
            try {
                selector.select(1000);
                Runnable task;
                while ((task = tasks.poll()) != null) {
                    task.run();
                }
                for (SelectionKey key : selector.selectedKeys()) {
                    handleKey(key);
                }
                selector.selectedKeys().clear();
            } catch (IOException | RuntimeException e) {
                LOG.error("mdata: the server loop caught {}; it keeps serving", e.toString(), e);
            }
        }
        for (SelectionKey key : selector.keys()) {
            closeQuietly(key.channel());
        }
        closeQuietly(selector);
    }

    private void handleKey(SelectionKey key) {
        if (!key.isValid()) {
            return;
        }
        if (key.attachment() instanceof Listener listener) {
            if (key.isAcceptable()) {
                accept(listener);
            }
            return;
        }
        Connection c = (Connection) key.attachment();
        try {
            if (key.isWritable()) {
                flush(c);
            }
            if (key.isValid() && key.isReadable()) {
                read(c);
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("mdata: zone {}: connection dropped: {}", c.zone, e.toString());
            drop(c);
        }
    }

    private void accept(Listener listener) {
        UUID zone = listener.zone();
        try {
            SocketChannel channel;
            while ((channel = listener.channel().accept()) != null) {
                if (listener.open()[0] >= MAX_CONNECTIONS_PER_ZONE) {
                    closeQuietly(channel);
                    continue;
                }
                channel.configureBlocking(false);
                Connection c = new Connection(zone, channel, listener);
                listener.open()[0]++;
                c.key = channel.register(selector, SelectionKey.OP_READ, c);
            }
        } catch (IOException e) {
            LOG.debug("mdata: zone {}: accept failed: {}", zone, e.toString());
        }
    }

    private void read(Connection c) throws IOException {
        c.in.compact();
        int n = c.channel.read(c.in);
        c.in.flip();
        if (n < 0) {
            c.eof = true;
        }
        process(c);
    }

    /** Handles the complete lines read, one request at a time. */
    private void process(Connection c) {
        while (!c.busy && !c.closing && c.in.hasRemaining()) {
            int start = c.in.position();
            int lf = -1;
            for (int i = start; i < c.in.limit(); i++) {
                if (c.in.get(i) == '\n') {
                    lf = i;
                    break;
                }
            }
            int end = lf < 0 ? c.in.limit() : lf;
            if (c.line.size() + (end - start) > MAX_LINE) {
                send(c, MetadataProtocol.INVALID);
                c.closing = true;
                break;
            }
            c.line.write(c.in.array(), c.in.arrayOffset() + start, end - start);
            c.in.position(lf < 0 ? end : lf + 1);
            if (lf >= 0) {
                String text = c.line.toString(StandardCharsets.ISO_8859_1);
                c.line.reset();
                dispatch(c, text);
            }
        }
        if (c.eof && !c.busy) {
            c.closing = true;
        }
        interest(c);
    }

    private void dispatch(Connection c, String text) {
        MetadataProtocol.Line line = MetadataProtocol.parse(text);
        if (line instanceof MetadataProtocol.Negotiate) {
            send(c, MetadataProtocol.V2_OK);
        } else if (line instanceof MetadataProtocol.Invalid) {
            send(c, MetadataProtocol.INVALID);
        } else if (line instanceof Request request) {
            if (request.op() == null) {
                String why = request.value() != null ? request.value() : "unknown command " + request.code();
                send(c, MetadataProtocol.answer(request, Answer.failure(why)));
                return;
            }
            c.busy = true;
            CompletableFuture<Answer> answer;
            try {
                answer = handler.handle(c.zone, request);
            } catch (RuntimeException e) {
                answer = CompletableFuture.failedFuture(e);
            }
            answer.whenComplete((a, error) -> {
                Answer result = error == null && a != null ? a : Answer.failure("the agent could not answer");
                if (error != null) {
                    LOG.warn("mdata: zone {}: {} failed: {}", c.zone, request.code(), error.toString());
                }
                tasks.add(() -> {
                    if (!c.channel.isOpen()) {
                        return;
                    }
                    c.busy = false;
                    send(c, MetadataProtocol.answer(request, result));
                    process(c);
                });
                selector.wakeup();
            });
        }
    }

    private void send(Connection c, String text) {
        c.out.add(ByteBuffer.wrap(text.getBytes(StandardCharsets.ISO_8859_1)));
        try {
            flush(c);
        } catch (IOException e) {
            drop(c);
        }
    }

    private void flush(Connection c) throws IOException {
        while (!c.out.isEmpty()) {
            ByteBuffer head = c.out.peek();
            c.channel.write(head);
            if (head.hasRemaining()) {
                break;
            }
            c.out.poll();
        }
        interest(c);
    }

    private void interest(Connection c) {
        if (!c.channel.isOpen()) {
            return;
        }
        if (c.closing && c.out.isEmpty()) {
            drop(c);
            return;
        }
        int ops = (c.out.isEmpty() ? 0 : SelectionKey.OP_WRITE) | (c.busy || c.closing || c.eof ? 0 : SelectionKey.OP_READ);
        try {
            c.key.interestOps(ops);
        } catch (java.nio.channels.CancelledKeyException e) {
            drop(c);
        }
    }

    private void drop(Connection c) {
        if (c.channel.isOpen()) {
            c.listener.open()[0]--;
            closeQuietly(c.channel);
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (ClosedChannelException ignored) {
            // already closed
        } catch (Exception e) {
            LOG.debug("mdata: close: {}", e.toString());
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.debug("mdata: cannot remove {}: {}", file, e.toString());
        }
    }
}
