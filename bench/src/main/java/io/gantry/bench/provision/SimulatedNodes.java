package io.gantry.bench.provision;

import io.gantry.agent.coord.BeatSender;
import io.gantry.agent.coord.NodeCoordinator;
import io.gantry.agent.image.ImageMaker;
import io.gantry.agent.sim.SimulatedZoneBackend;
import io.gantry.agent.sim.SimulatedZoneMover;
import io.gantry.common.Zone;
import io.gantry.common.coord.NodeAdvert;
import io.gantry.common.coord.NodeCapacity;
import io.gantry.testkit.TestZooKeeper;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.curator.framework.CuratorFramework;

/**
 * Many SIMULATED compute nodes in this JVM: each is the real agent coordination ({@link NodeCoordinator}: its own
 * ephemeral advert, task queue, finished-task record and report) over a {@link SimulatedZoneBackend} that keeps its
 * zones in memory. Nodes share Curator clients, {@code nodesPerClient} to a client (one client per node would be
 * 1,000 ZooKeeper sessions and their threads); each node still has its own ephemeral advert, so a client's session
 * ending takes all of its nodes' adverts with it, as one host's would. Likewise the nodes of one client beat from one
 * thread ({@link BeatSender} for many nodes): each node's beat is still its own datagram to the provisioners, ten a
 * second, but 1,000 sender threads waking ten times a second each (about a quarter of the two cores here, a cost each
 * real node pays on its own host) would be charged to the control plane measured.
 */
final class SimulatedNodes implements AutoCloseable {
    private final List<CuratorFramework> clients = new ArrayList<>();
    private final List<BeatSender> beats = new ArrayList<>();
    private final List<NodeCoordinator> coordinators = new ArrayList<>();
    private final Map<String, SimulatedZoneBackend> backends = new LinkedHashMap<>();

    static SimulatedNodes start(TestZooKeeper zk, Path stateRoot, int nodes, int nodesPerClient, String nodeImage,
                                NodeCapacity capacity, Duration reportInterval) throws Exception {
        SimulatedNodes fleet = new SimulatedNodes();
        try {
            CuratorFramework client = null;
            List<String> clientNodes = new ArrayList<>();
            for (int i = 0; i < nodes; i++) {
                if (i % nodesPerClient == 0) {
                    client = zk.newClient();
                    fleet.clients.add(client);
                }
                String name = String.format("sim%04d", i);
                SimulatedZoneBackend backend = new SimulatedZoneBackend(Set.of(nodeImage), Clock.systemUTC());
                var advert = new NodeAdvert(name, "127.0.0.1", "simulated", capacity, Map.of(), Instant.now());
                fleet.coordinators.add(NodeCoordinator.start(client, backend, advert, stateRoot.resolve(name), reportInterval,
                        new SimulatedZoneMover(backend, name), ImageMaker.NONE, null));
                fleet.backends.put(name, backend);
                clientNodes.add(name);
                if (clientNodes.size() == nodesPerClient || i == nodes - 1) {
                    fleet.beats.add(BeatSender.start(client, List.copyOf(clientNodes), BeatSender.DEFAULT_INTERVAL));
                    clientNodes.clear();
                }
            }
            for (NodeCoordinator c : fleet.coordinators) {
                if (!c.membership().awaitAdvertised(Duration.ofSeconds(30))) {
                    throw new IllegalStateException("simulated node " + c.membership().advert().node() + " did not advertise itself");
                }
            }
            return fleet;
        } catch (Exception | Error e) {
            fleet.close();
            throw e;
        }
    }

    int size() {
        return backends.size();
    }

    int clients() {
        return clients.size();
    }

    /** Every zone each node's backend holds, by node. */
    Map<String, List<UUID>> zonesByNode() {
        Map<String, List<UUID>> out = new LinkedHashMap<>();
        backends.forEach((node, backend) -> out.put(node, backend.list().stream().map(Zone::uuid).toList()));
        return out;
    }

    @Override
    public void close() {
        beats.forEach(BeatSender::close);
        // all adverts go first, as on a whole-cluster shutdown, then the clients
        coordinators.parallelStream().forEach(c -> {
            try {
                c.close();
            } catch (RuntimeException e) {
                System.err.println("provision-bench: closing a node: " + e);
            }
        });
        clients.forEach(CuratorFramework::close);
    }
}
