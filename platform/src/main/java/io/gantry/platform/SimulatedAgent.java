package io.gantry.platform;

import io.gantry.agent.ForwardingZoneBackend;
import io.gantry.agent.coord.BeatSender;
import io.gantry.agent.coord.NodeCoordinator;
import io.gantry.agent.image.ImageMaker;
import io.gantry.agent.sim.SimulatedZoneBackend;
import io.gantry.agent.sim.SimulatedZoneMover;
import io.gantry.common.Zone;
import io.gantry.common.ZoneSpec;
import io.gantry.common.coord.NodeAdvert;
import io.gantry.common.coord.NodeCapacity;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.apache.curator.framework.CuratorFramework;

/**
 * A compute node with the SIMULATED zone backend, as its own process, for scale simulation and for tests and benchmarks
 * of coordination (node loss, failover): the real agent's coordination (advert, beats, tasks, reports) over zones kept
 * in memory, where nothing runs and nothing is isolated. It prints {@code simulated create <machine>} for every zone it
 * is asked to make, so a caller can count creates. Not a `gantry` command: run it with
 * {@code java -cp <gantry's class path> io.gantry.platform.SimulatedAgent ZK NODE STATE_DIR MEMORY_MIB IMAGE_ID}.
 */
public final class SimulatedAgent {
    private SimulatedAgent() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 5) {
            System.err.println("usage: SimulatedAgent ZK NODE STATE_DIR MEMORY_MIB IMAGE_ID");
            System.exit(ExitCodes.USAGE);
        }
        String node = args[1];
        SimulatedZoneBackend zones = new SimulatedZoneBackend(Set.of(args[4]), Clock.systemUTC());
        NodeAdvert advert = new NodeAdvert(node, "127.0.0.1", "simulated", new NodeCapacity(Long.parseLong(args[3]), 100_000, 32),
                Map.of(), Instant.now());
        try (CuratorFramework zk = Coordination.connect(args[0]);
             NodeCoordinator coordinator = NodeCoordinator.start(zk, new PrintedCreates(zones), advert, Path.of(args[2]),
                     Duration.ofSeconds(1), new SimulatedZoneMover(zones, node), ImageMaker.NONE, BeatSender.DEFAULT_INTERVAL)) {
            coordinator.membership().awaitAdvertised(Duration.ofSeconds(30));
            System.out.println("SIMULATED node " + node + " taking tasks (zones in memory: nothing runs, nothing is isolated)");
            UntilStopped.await("simulated agent running", "simulated agent stopping");
        }
        UntilStopped.closed();
    }

    /** Says every create it passes on. */
    private static final class PrintedCreates extends ForwardingZoneBackend {
        PrintedCreates(SimulatedZoneBackend zones) {
            super(zones);
        }

        @Override
        public Zone create(ZoneSpec spec) {
            System.out.println("simulated create " + spec.uuid());
            return inner.create(spec);
        }
    }
}
