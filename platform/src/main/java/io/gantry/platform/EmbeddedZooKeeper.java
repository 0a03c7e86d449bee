package io.gantry.platform;

import io.gantry.common.ErrorCode;
import io.gantry.common.GantryException;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.zookeeper.server.embedded.ExitHandler;
import org.apache.zookeeper.server.embedded.ZooKeeperServerEmbedded;

/**
 * ZooKeeper's own embedded server on loopback, for `gantry dev` and tests: one member, data kept under
 * {@code dataDir}. It runs inside the launcher, so a SIGKILL ends it with the launcher; what it leaves
 * is its data (kept: tasks in flight are there) with the dead clients' sessions, which the next start
 * restores and expires after their timeout (5 s for most of Gantry's clients, 1.5 s for provisioners), taking their
 * ephemeral znodes (node adverts, leader latches) with them.
 */
public final class EmbeddedZooKeeper implements AutoCloseable {
    /** Sessions end within a tick of their timeout; the provisioners' 1.5 s sessions need a short one. */
    static final int DEV_TICK_MS = ZooKeeperTiming.DEFAULT_TICK_MS;
    private final ZooKeeperServerEmbedded server;
    private final int port;

    private EmbeddedZooKeeper(ZooKeeperServerEmbedded server, int port) {
        this.server = server;
        this.port = port;
    }

    public static EmbeddedZooKeeper start(Path dataDir, int port) throws Exception {
        return start(dataDir, port, DEV_TICK_MS);
    }

    public static EmbeddedZooKeeper start(Path dataDir, int port, int tickMillis) throws Exception {
        Files.createDirectories(dataDir);
        removeOldConfigurations(dataDir);
        Properties p = new Properties();
        p.setProperty("clientPort", Integer.toString(port));
        p.setProperty("clientPortAddress", "127.0.0.1");
        p.setProperty("dataDir", dataDir.toAbsolutePath().toString());
        ZooKeeperTiming timing = ZooKeeperTiming.of(tickMillis);
        p.setProperty("tickTime", Integer.toString(timing.tickMs()));
        p.setProperty("minSessionTimeout", Integer.toString(timing.minSessionMs()));
        p.setProperty("maxSessionTimeout", Integer.toString(timing.maxSessionMs()));
        p.setProperty("maxCnxns", "1000");
        p.setProperty("admin.enableServer", "false");
        // srvr: the cloud API's health report asks each member for its mode, version and zxid
        p.setProperty("4lw.commands.whitelist", "ruok,stat,mntr,srvr");
        // LOG_ONLY: the default (EXIT) calls System.exit when the server thread ends
        ZooKeeperServerEmbedded server = ZooKeeperServerEmbedded.builder()
                .baseDir(dataDir.toAbsolutePath())
                .configuration(p)
                .exitHandler(ExitHandler.LOG_ONLY)
                .build();
        // a server that fails to start waits out its timeout and then can hang in close() (it joins an
        // accept thread nobody stopped): so start it aside and give up on it cleanly
        CompletableFuture<Void> up = new CompletableFuture<>();
        Thread starter = new Thread(() -> {
            try {
                server.start(30_000);
                up.complete(null);
            } catch (Throwable e) {
                up.completeExceptionally(e);
            }
        }, "embedded-zk-start");
        starter.setDaemon(true);
        starter.start();
        try {
            up.get(35, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new GantryException(ErrorCode.ServiceUnavailable, "the embedded ZooKeeper did not start within 35 s (see the log above)");
        } catch (ExecutionException e) {
            throw new GantryException(ErrorCode.ServiceUnavailable, "the embedded ZooKeeper did not start: " + e.getCause(), e.getCause());
        }
        return new EmbeddedZooKeeper(server, port);
    }

    /** The embedded server writes its settings to a new temporary file at every start and never removes it. */
    private static void removeOldConfigurations(Path dataDir) throws IOException {
        try (DirectoryStream<Path> old = Files.newDirectoryStream(dataDir, "zookeeper.configuration*.properties")) {
            for (Path file : old) {
                Files.deleteIfExists(file);
            }
        }
    }

    public String connectString() {
        return "127.0.0.1:" + port;
    }

    int port() {
        return port;
    }

    @Override
    public void close() {
        server.close();
    }
}
