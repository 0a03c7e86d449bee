package io.gantry.agent.coord;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.server.embedded.ExitHandler;
import org.apache.zookeeper.server.embedded.ZooKeeperServerEmbedded;

/**
 * A real standalone ZooKeeper server in the test JVM, on a free loopback port. It can be stopped
 * and started again on the same port and data, as a ZooKeeper outage.
 */
public final class EmbeddedZk implements AutoCloseable {
    private final Path dir;
    private final int port;
    private ZooKeeperServerEmbedded server;

    private EmbeddedZk(Path dir, int port) {
        this.dir = dir;
        this.port = port;
    }

    public static EmbeddedZk start(Path dir) throws Exception {
        EmbeddedZk zk = new EmbeddedZk(dir, freePort());
        zk.startServer();
        return zk;
    }

    public String connectString() {
        return "127.0.0.1:" + port;
    }

    /** A started client with the agent's settings, connected. */
    public CuratorFramework newClient() throws InterruptedException {
        CuratorFramework client = CuratorFrameworkFactory.builder()
                .connectString(connectString())
                .sessionTimeoutMs(4000)
                .connectionTimeoutMs(3000)
                .retryPolicy(new ExponentialBackoffRetry(100, 5))
                .build();
        client.start();
        if (!client.blockUntilConnected(10, TimeUnit.SECONDS)) {
            client.close();
            throw new IllegalStateException("no connection to the embedded ZooKeeper at " + connectString());
        }
        return client;
    }

    /**
     * Ends the client's session on the server, as when the server expires it: a second handle
     * joins the same session and closes it. The client sees Expired when it reconnects.
     */
    void expireSession(CuratorFramework client) throws Exception {
        ZooKeeper zk = client.getZookeeperClient().getZooKeeper();
        CountDownLatch connected = new CountDownLatch(1);
        ZooKeeper twin = new ZooKeeper(connectString(), 4000, e -> {
            if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
            }
        }, zk.getSessionId(), zk.getSessionPasswd());
        try {
            if (!connected.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the twin handle did not connect");
            }
        } finally {
            twin.close();
        }
    }

    void stopServer() {
        if (server != null) {
            server.close();
            server = null;
        }
    }

    void startServer() throws Exception {
        Properties p = new Properties();
        p.setProperty("clientPort", Integer.toString(port));
        p.setProperty("clientPortAddress", "127.0.0.1");
        p.setProperty("dataDir", dir.resolve("data").toAbsolutePath().toString());
        p.setProperty("tickTime", "500"); // session timeouts are checked per tick: a short tick keeps expiry tests fast
        p.setProperty("admin.enableServer", "false");
        Files.createDirectories(dir);
        requireServerClasses();
        // LOG_ONLY: the default (EXIT) calls System.exit when the server thread ends, taking the test JVM with it
        ZooKeeperServerEmbedded starting = ZooKeeperServerEmbedded.builder()
                .baseDir(dir)
                .configuration(p)
                .exitHandler(ExitHandler.LOG_ONLY)
                .build();
        // a server that fails to start waits out the timeout, then its close() can hang for ever
        // (it joins an accept thread nobody stopped): so start it aside and give up on it cleanly
        CompletableFuture<Void> started = new CompletableFuture<>();
        Thread starter = new Thread(() -> {
            try {
                starting.start(10_000);
                started.complete(null);
            } catch (Throwable e) {
                started.completeExceptionally(e);
            }
        }, "embedded-zk-start");
        starter.setDaemon(true);
        starter.start();
        try {
            started.get(15, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new IllegalStateException("the embedded ZooKeeper did not start within 15 s (see the test log)");
        } catch (ExecutionException e) {
            throw new IllegalStateException("the embedded ZooKeeper did not start: " + e.getCause(), e.getCause());
        }
        server = starting;
    }

    /** The server needs jars the zookeeper artifact declares only as "provided". */
    private static void requireServerClasses() {
        for (String[] need : new String[][] {
                {"com.codahale.metrics.Reservoir", "io.dropwizard.metrics:metrics-core"},
                {"org.xerial.snappy.SnappyInputStream", "org.xerial.snappy:snappy-java"}}) {
            try {
                Class.forName(need[0], false, EmbeddedZk.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException("the embedded ZooKeeper server needs " + need[1] + " on the test classpath");
            }
        }
    }

    @Override
    public void close() {
        stopServer();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }
}
