package io.gantry.agent.coord;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.server.embedded.ExitHandler;
import org.apache.zookeeper.server.embedded.ZooKeeperServerEmbedded;

/** Three real ZooKeeper servers in one quorum on loopback, as a production ensemble is configured. */
final class ZooKeeperEnsemble implements AutoCloseable {
    private final List<ZooKeeperServerEmbedded> servers = new ArrayList<>();
    private final List<Integer> clientPorts = new ArrayList<>();

    static ZooKeeperEnsemble start(Path dir) throws Exception {
        ZooKeeperEnsemble e = new ZooKeeperEnsemble();
        int[] ports = new int[9];
        for (int i = 0; i < ports.length; i++) {
            ports[i] = freePort();
        }
        List<CompletableFuture<Void>> started = new ArrayList<>();
        for (int id = 1; id <= 3; id++) {
            Path data = dir.resolve("zk" + id);
            Files.createDirectories(data);
            Files.writeString(data.resolve("myid"), Integer.toString(id));
            Properties p = new Properties();
            p.setProperty("tickTime", "500");
            p.setProperty("initLimit", "20");
            p.setProperty("syncLimit", "10");
            p.setProperty("dataDir", data.toAbsolutePath().toString());
            p.setProperty("clientPort", Integer.toString(ports[id - 1]));
            p.setProperty("clientPortAddress", "127.0.0.1");
            p.setProperty("admin.enableServer", "false");
            for (int peer = 1; peer <= 3; peer++) {
                p.setProperty("server." + peer, "127.0.0.1:" + ports[2 + peer] + ":" + ports[5 + peer]);
            }
            ZooKeeperServerEmbedded server = ZooKeeperServerEmbedded.builder().baseDir(data).configuration(p)
                    .exitHandler(ExitHandler.LOG_ONLY).build();
            e.servers.add(server);
            e.clientPorts.add(ports[id - 1]);
            // a member's start returns once the quorum serves, so the three must start together
            started.add(CompletableFuture.runAsync(() -> {
                try {
                    server.start(30_000);
                } catch (Exception ex) {
                    throw new IllegalStateException("ZooKeeper member did not start: " + ex, ex);
                }
            }));
        }
        CompletableFuture.allOf(started.toArray(CompletableFuture[]::new)).get(40, TimeUnit.SECONDS);
        return e;
    }

    String connectString() {
        return String.join(",", clientPorts.stream().map(p -> "127.0.0.1:" + p).toList());
    }

    void stopMember(int index) {
        servers.get(index).close();
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() {
        for (ZooKeeperServerEmbedded s : servers) {
            try {
                s.close();
            } catch (RuntimeException ignored) {
                // already stopped by the test
            }
        }
    }
}
