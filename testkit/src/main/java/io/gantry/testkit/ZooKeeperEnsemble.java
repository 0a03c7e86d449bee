package io.gantry.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import org.apache.zookeeper.server.embedded.ZooKeeperServerEmbedded;

/** Three real ZooKeeper servers in one quorum on loopback, as a production ensemble is configured. */
public final class ZooKeeperEnsemble implements AutoCloseable {
    private static final int SIZE = 3;
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private final List<ZooKeeperServerEmbedded> servers = new ArrayList<>();
    private final List<Integer> clientPorts = new ArrayList<>();

    private ZooKeeperEnsemble() {
    }

    /** A serving ensemble keeping each member's data under {@code dir}. */
    public static ZooKeeperEnsemble start(Path dir) throws InterruptedException, IOException {
        ZooKeeperEnsemble e = new ZooKeeperEnsemble();
        int[] quorumPorts = new int[SIZE];
        int[] electionPorts = new int[SIZE];
        for (int i = 0; i < SIZE; i++) {
            e.clientPorts.add(LoopbackPort.free());
            quorumPorts[i] = LoopbackPort.free();
            electionPorts[i] = LoopbackPort.free();
        }
        // a member's start returns once the quorum serves, so all of them must start together
        List<CompletableFuture<ZooKeeperServerEmbedded>> started = new ArrayList<>();
        for (int id = 1; id <= SIZE; id++) {
            Path data = dir.resolve("zk" + id);
            Files.createDirectories(data);
            Files.writeString(data.resolve("myid"), Integer.toString(id));
            Properties p = ZooKeeperMember.settings(data, e.clientPorts.get(id - 1));
            p.setProperty("initLimit", "20");
            p.setProperty("syncLimit", "10");
            for (int peer = 1; peer <= SIZE; peer++) {
                p.setProperty("server." + peer, "127.0.0.1:" + quorumPorts[peer - 1] + ":" + electionPorts[peer - 1]);
            }
            started.add(ZooKeeperMember.startAside(data, p, START_TIMEOUT));
        }
        try {
            for (CompletableFuture<ZooKeeperServerEmbedded> member : started) {
                e.servers.add(ZooKeeperMember.await(member, START_TIMEOUT));
            }
        } catch (RuntimeException | InterruptedException failed) {
            e.close();
            throw failed;
        }
        return e;
    }

    public String connectString() {
        return String.join(",", clientPorts.stream().map(p -> "127.0.0.1:" + p).toList());
    }

    /** Stops member {@code index} (0 to 2) for good, as a lost server. */
    public void stopMember(int index) {
        servers.get(index).close();
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
