package io.gantry.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.zookeeper.server.embedded.ExitHandler;
import org.apache.zookeeper.server.embedded.ZooKeeperServerEmbedded;

/** One ZooKeeper server (standalone or an ensemble member) on 127.0.0.1, started without hanging its caller. */
final class ZooKeeperMember {
    /** Sessions are checked once per tick: a short tick keeps the session expiry tests fast. */
    static final int TICK_MS = 500;

    private ZooKeeperMember() {
    }

    /** The settings every test server shares: loopback only, no admin server, short ticks. */
    static Properties settings(Path dataDir, int clientPort) {
        Properties p = new Properties();
        p.setProperty("clientPort", Integer.toString(clientPort));
        p.setProperty("clientPortAddress", "127.0.0.1");
        p.setProperty("dataDir", dataDir.toAbsolutePath().toString());
        p.setProperty("tickTime", Integer.toString(TICK_MS));
        p.setProperty("admin.enableServer", "false");
        return p;
    }

    /**
     * Builds the server and starts it on a thread of its own: a server that fails to start waits out
     * the timeout and then its close() can hang for ever (it joins an accept thread nobody stopped),
     * so the caller gives up on it cleanly instead. {@code startTimeout} is how long ZooKeeper waits
     * to serve (an ensemble member: until the quorum serves).
     */
    static CompletableFuture<ZooKeeperServerEmbedded> startAside(Path baseDir, Properties settings, Duration startTimeout)
            throws IOException {
        Files.createDirectories(baseDir);
        requireServerClasses();
        // LOG_ONLY: the default (EXIT) calls System.exit when the server thread ends, taking the test JVM with it
        ZooKeeperServerEmbedded server;
        try {
            server = ZooKeeperServerEmbedded.builder()
                    .baseDir(baseDir.toAbsolutePath())
                    .configuration(settings)
                    .exitHandler(ExitHandler.LOG_ONLY)
                    .build();
        } catch (Exception e) {
            throw new IllegalStateException("cannot configure the embedded ZooKeeper: " + e, e);
        }
        CompletableFuture<ZooKeeperServerEmbedded> started = new CompletableFuture<>();
        Thread starter = new Thread(() -> {
            try {
                server.start(startTimeout.toMillis());
                started.complete(server);
            } catch (Throwable e) {
                started.completeExceptionally(e);
            }
        }, "embedded-zk-start");
        starter.setDaemon(true);
        starter.start();
        return started;
    }

    /** Waits for {@link #startAside} a little longer than ZooKeeper itself waits. */
    static <T> T await(CompletableFuture<T> started, Duration startTimeout) throws InterruptedException {
        long seconds = startTimeout.toSeconds() + 5;
        try {
            return started.get(seconds, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new IllegalStateException("the embedded ZooKeeper did not start within " + seconds + " s (see the test log)");
        } catch (ExecutionException e) {
            throw new IllegalStateException("the embedded ZooKeeper did not start: " + e.getCause(), e.getCause());
        }
    }

    /** The server needs jars the zookeeper artifact declares only as "provided". */
    private static void requireServerClasses() {
        for (String[] need : new String[][] {
                {"com.codahale.metrics.Reservoir", "io.dropwizard.metrics:metrics-core"},
                {"org.xerial.snappy.SnappyInputStream", "org.xerial.snappy:snappy-java"}}) {
            try {
                Class.forName(need[0], false, ZooKeeperMember.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException("the embedded ZooKeeper server needs " + need[1] + " on the test classpath");
            }
        }
    }
}
