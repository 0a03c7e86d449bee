package io.gantry.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.server.embedded.ZooKeeperServerEmbedded;

/**
 * A real standalone ZooKeeper server in the test JVM, on a free loopback port, ticking every 500 ms.
 * It can be stopped and started again on the same port and data, as a ZooKeeper outage.
 */
public final class TestZooKeeper implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(10);
    private static TestZooKeeper shared;
    private final Path dir;
    private final int port;
    private ZooKeeperServerEmbedded server;

    private TestZooKeeper(Path dir, int port) {
        this.dir = dir;
        this.port = port;
    }

    /** A started server keeping its data under {@code dir}. */
    public static TestZooKeeper start(Path dir) throws InterruptedException, IOException {
        TestZooKeeper zk = new TestZooKeeper(dir, LoopbackPort.free());
        zk.startServer();
        return zk;
    }

    /** One server for the whole test JVM, started on first use and stopped when the JVM ends. */
    public static synchronized TestZooKeeper shared() throws InterruptedException, IOException {
        if (shared == null) {
            Path dir = Files.createTempDirectory("gantry-test-zk");
            TestZooKeeper zk = start(dir);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                zk.close();
                deleteTree(dir);
            }, "embedded-zk-stop"));
            shared = zk;
        }
        return shared;
    }

    public String connectString() {
        return "127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** A started client with the agent's settings (4 s sessions), connected. */
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
    public void expireSession(CuratorFramework client) throws Exception {
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

    /** Stops the server, keeping its port and data for {@link #startServer()}. */
    public synchronized void stopServer() {
        if (server != null) {
            server.close();
            server = null;
        }
    }

    /** Starts the server (again) on its port and data. */
    public synchronized void startServer() throws InterruptedException, IOException {
        if (server == null) {
            server = ZooKeeperMember.await(
                    ZooKeeperMember.startAside(dir, ZooKeeperMember.settings(dir.resolve("data"), port), START_TIMEOUT), START_TIMEOUT);
        }
    }

    @Override
    public void close() {
        stopServer();
    }

    private static void deleteTree(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // the JVM is ending; a left temporary directory is all that is lost
        }
    }
}
