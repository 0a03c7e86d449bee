package io.gantry.platform;

import java.nio.file.Path;
import java.util.Properties;
import org.apache.zookeeper.server.embedded.ZooKeeperServerEmbedded;

/** ZooKeeper's own embedded server on loopback, for `gantry dev`: one member, data kept under the state root. */
final class EmbeddedZooKeeper implements AutoCloseable {
    private final ZooKeeperServerEmbedded server;
    private final int port;

    private EmbeddedZooKeeper(ZooKeeperServerEmbedded server, int port) {
        this.server = server;
        this.port = port;
    }

    static EmbeddedZooKeeper start(Path dataDir, int port) throws Exception {
        java.nio.file.Files.createDirectories(dataDir);
        Properties p = new Properties();
        p.setProperty("clientPort", Integer.toString(port));
        p.setProperty("clientPortAddress", "127.0.0.1");
        p.setProperty("dataDir", dataDir.toAbsolutePath().toString());
        p.setProperty("tickTime", "1000");
        p.setProperty("maxCnxns", "1000");
        p.setProperty("minSessionTimeout", "2000");
        p.setProperty("admin.enableServer", "false");
        p.setProperty("4lw.commands.whitelist", "ruok,stat,mntr");
        ZooKeeperServerEmbedded server = ZooKeeperServerEmbedded.builder()
                .baseDir(dataDir.toAbsolutePath())
                .configuration(p)
                .exitHandler(org.apache.zookeeper.server.embedded.ExitHandler.LOG_ONLY)
                .build();
        server.start(30_000);
        return new EmbeddedZooKeeper(server, port);
    }

    String connectString() {
        return "127.0.0.1:" + port;
    }

    @Override
    public void close() {
        server.close();
    }
}
