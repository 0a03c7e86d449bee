package io.gantry.bench.portal;

import io.gantry.agent.coord.NodeCoordinator;
import io.gantry.agent.sim.SimulatedZoneBackend;
import io.gantry.agent.sim.SimulatedZoneMover;
import io.gantry.cloudapi.store.DatabaseConfig;
import io.gantry.common.coord.NodeAdvert;
import io.gantry.common.coord.NodeCapacity;
import io.gantry.common.limits.OverprovisionRatios;
import io.gantry.provisioner.Provisioner;
import io.gantry.provisioner.ProvisionerConfig;
import io.gantry.provisioner.placement.PlacementPolicy;
import io.gantry.provisioner.placement.Strategy;
import io.gantry.testkit.TestZooKeeper;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The control plane behind the cloud API with SIMULATED nodes: ZooKeeper, a provisioner and agents whose zones are
 * kept in memory ({@link SimulatedZoneBackend}: nothing runs, states and addresses follow the runc backend's rules).
 * Only for scale: the portal bench needs 1,000 machines recorded running, not 1,000 real zones. Each node holds at
 * most {@link #MACHINES_PER_NODE} machines of one tenant (a tenant's /24 on a node has 253 addresses).
 */
final class SimulatedFleet implements AutoCloseable {
    static final int MACHINES_PER_NODE = 200;

    private final TestZooKeeper zk;
    private final List<AutoCloseable> started = new ArrayList<>();

    private SimulatedFleet(TestZooKeeper zk) {
        this.zk = zk;
    }

    /**
     * ZooKeeper under {@code workDir}, one provisioner on {@code db}, and enough simulated nodes for {@code machines}
     * machines of {@code memoryMiB} each, all carrying the node image {@code nodeImage}.
     */
    static SimulatedFleet start(Path workDir, DatabaseConfig db, String nodeImage, int machines, long memoryMiB)
            throws Exception {
        SimulatedFleet fleet = new SimulatedFleet(TestZooKeeper.start(workDir.resolve("zookeeper")));
        try {
            int nodes = Math.max(1, (machines + MACHINES_PER_NODE - 1) / MACHINES_PER_NODE);
            for (int i = 0; i < nodes; i++) {
                fleet.node("sim" + i, workDir.resolve("sim" + i), nodeImage, memoryMiB * MACHINES_PER_NODE);
            }
            var client = fleet.zk.newClient();
            fleet.started.add(client);
            fleet.started.add(Provisioner.start(client, new ProvisionerConfig("portal-bench", db.jdbcUrl(), db.user(),
                    db.password(), new PlacementPolicy(new OverprovisionRatios(1.0, 1.0, 64.0), Strategy.PACK, 0),
                    Duration.ofMillis(500))));
            return fleet;
        } catch (Exception | Error e) {
            fleet.close();
            throw e;
        }
    }

    private void node(String name, Path stateDir, String nodeImage, long memoryMiB) throws InterruptedException {
        var client = zk.newClient();
        started.add(client);
        SimulatedZoneBackend backend = new SimulatedZoneBackend(Set.of(nodeImage), Clock.systemUTC());
        var advert = new NodeAdvert(name, "127.0.0.1", "simulated", new NodeCapacity(memoryMiB, 10_000_000, 4), Map.of(),
                Instant.now());
        NodeCoordinator coordinator = NodeCoordinator.start(client, backend, advert, stateDir, Duration.ofSeconds(2),
                new SimulatedZoneMover(backend, name));
        started.add(coordinator);
        if (!coordinator.membership().awaitAdvertised(Duration.ofSeconds(10))) {
            throw new IllegalStateException("simulated node " + name + " did not advertise itself");
        }
    }

    @Override
    public void close() {
        for (int i = started.size() - 1; i >= 0; i--) {
            try {
                started.get(i).close();
            } catch (Exception e) {
                System.err.println("portal-bench: closing " + started.get(i) + ": " + e);
            }
        }
        zk.close();
    }
}
