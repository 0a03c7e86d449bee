package io.gantry.metering;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.zookeeper.server.embedded.ExitHandler;
import org.apache.zookeeper.server.embedded.ZooKeeperServerEmbedded;

/** ZooKeeper's own embedded server on a free loopback port, one for the test JVM. */
final class TestZooKeeper {
    private static String connectString;

    private TestZooKeeper() {
    }

    static synchronized String connectString() throws Exception {
        if (connectString == null) {
            int port;
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                port = s.getLocalPort();
            }
            Path dir = Files.createTempDirectory("metering-zk");
            Properties p = new Properties();
            p.setProperty("clientPort", Integer.toString(port));
            p.setProperty("clientPortAddress", "127.0.0.1");
            p.setProperty("dataDir", dir.resolve("data").toString());
            p.setProperty("tickTime", "500");
            p.setProperty("admin.enableServer", "false");
            ZooKeeperServerEmbedded server = ZooKeeperServerEmbedded.builder().baseDir(dir).configuration(p)
                    .exitHandler(ExitHandler.LOG_ONLY).build();
            // started aside: a server that fails to start can hang its caller
            CompletableFuture<Void> up = new CompletableFuture<>();
            Thread starter = new Thread(() -> {
                try {
                    server.start(10_000);
                    up.complete(null);
                } catch (Throwable e) {
                    up.completeExceptionally(e);
                }
            }, "embedded-zk-start");
            starter.setDaemon(true);
            starter.start();
            up.get(15, TimeUnit.SECONDS);
            Runtime.getRuntime().addShutdownHook(new Thread(server::close));
            connectString = "127.0.0.1:" + port;
        }
        return connectString;
    }

    /** A started, connected client. */
    static CuratorFramework client() throws Exception {
        CuratorFramework zk = CuratorFrameworkFactory.builder().connectString(connectString()).sessionTimeoutMs(4000)
                .connectionTimeoutMs(3000).retryPolicy(new ExponentialBackoffRetry(100, 5)).build();
        zk.start();
        if (!zk.blockUntilConnected(10, TimeUnit.SECONDS)) {
            zk.close();
            throw new IllegalStateException("no connection to the embedded ZooKeeper");
        }
        return zk;
    }
}
