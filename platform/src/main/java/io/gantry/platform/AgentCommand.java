package io.gantry.platform;

import io.gantry.agent.ComputeNodeAgent;
import io.gantry.agent.ZoneAgent;
import io.gantry.agent.net.Underlay;
import io.gantry.agent.runc.RuncZoneBackend;
import io.gantry.agent.usage.UsageConfig;
import io.gantry.common.Zone;
import io.gantry.common.ZoneState;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "agent", defaultValueProvider = ConfigFile.class,
        description = "Run the compute-node agent: adopt this node's zones, keep their records true and, with --zk, take tasks from the cluster.")
final class AgentCommand implements Callable<Integer> {
    @ParentCommand
    GantryCommand root;

    @Option(names = "--interval", defaultValue = "5", description = "Seconds between reconciles (default ${DEFAULT-VALUE}).")
    int interval;

    @Option(names = "--once", description = "Reconcile once and exit.")
    boolean once;

    @Option(names = "--zk", defaultValue = "${env:GANTRY_ZK:-}",
            description = "ZooKeeper connect string: register this node and run the tasks the provisioner sends (env GANTRY_ZK).")
    String zk;

    @Option(names = "--address", defaultValue = "${env:GANTRY_NODE_ADDRESS:-127.0.0.1}", description = "This node's address, as advertised (default ${DEFAULT-VALUE}).")
    String address;

    @Option(names = "--transfer-port", defaultValue = "${env:GANTRY_TRANSFER_PORT:-0}",
            description = "Port on --address where disks of evacuated zones are served to other nodes (default ${DEFAULT-VALUE}: any free port).")
    int transferPort;

    @Option(names = "--underlay-ip", defaultValue = "${env:GANTRY_UNDERLAY_IP:-}",
            description = "This node's underlay address: other nodes send its tenant networks' VXLAN traffic there, and zones' outbound traffic leaves through it (default: --address).")
    String underlayIp;

    @Option(names = "--underlay-netns", defaultValue = "${env:GANTRY_UNDERLAY_NETNS:-}",
            description = "The network namespace holding --underlay-ip (default: the agent's own, i.e. the host's).")
    String underlayNetns;

    @Option(names = "--vxlan-port", defaultValue = "${env:GANTRY_VXLAN_PORT:-0}",
            description = "UDP port of this node's VXLAN devices (default 4789; on a loopback underlay address, shared by "
                    + "the nodes of one host, a port derived from the node's name, 4790-14789; agents sharing one underlay "
                    + "address need distinct ports).")
    int vxlanPort;

    @Option(names = "--trait", description = "A trait placement can require, KEY=VALUE (repeatable).")
    java.util.Map<String, String> traits = new java.util.HashMap<>();

    @Option(names = "--metering-url", defaultValue = "${env:GANTRY_METERING_URL:-}",
            description = "Send usage to these metering URLs (comma-separated; the next is tried when one fails) instead of the instances registered in ZooKeeper.")
    String meteringUrl;

    @picocli.CommandLine.Mixin
    MeteringCaOption meteringCa;

    @Option(names = "--sample-interval-ms", defaultValue = "${env:GANTRY_SAMPLE_INTERVAL_MS:-1000}",
            description = "Milliseconds between usage samples of every zone (default ${DEFAULT-VALUE}).")
    long sampleIntervalMs;

    @Option(names = "--metrics-host", defaultValue = "${env:GANTRY_METRICS_HOST:-127.0.0.1}", description = "Address of GET /metrics (default ${DEFAULT-VALUE}).")
    String metricsHost;

    @Option(names = "--metrics-port", defaultValue = "${env:GANTRY_METRICS_PORT:-9103}",
            description = "Port of GET /metrics for Prometheus (default ${DEFAULT-VALUE}; -1 for none).")
    int metricsPort;

    @picocli.CommandLine.Mixin
    OverprovisionOptions overprovision;

    @Option(names = "--beat-interval-ms", defaultValue = "${env:GANTRY_BEAT_INTERVAL_MS:-100}",
            description = "Milliseconds between this node's UDP beats to the provisioners (default ${DEFAULT-VALUE}; env GANTRY_BEAT_INTERVAL_MS).")
    long beatIntervalMs;

    @Option(names = "--zk-session-ms", defaultValue = "${env:GANTRY_AGENT_ZK_SESSION_MS:-5000}",
            description = "This agent's ZooKeeper session: its advert goes this long after it was last heard, the backstop "
                    + "behind the beats (default ${DEFAULT-VALUE}; env GANTRY_AGENT_ZK_SESSION_MS).")
    int zkSessionMs;

    @Override
    public Integer call() throws Exception {
        Path ca = meteringCa.path();
        Underlay underlay = Underlay.of(underlayIp == null || underlayIp.isBlank() ? address : underlayIp, underlayNetns, vxlanPort,
                root.node);
        try (RuncZoneBackend backend = Node.open(root, overprovision.ratios(), underlay)) {
            printSummary(backend);
            if (once) {
                return ExitCodes.OK;
            }
            if (zk == null || zk.isBlank()) {
                try (ZoneAgent agent = new ZoneAgent(backend)) {
                    agent.start(Duration.ofSeconds(interval));
                    return awaitStop();
                }
            }
            Node.ensureBusyboxImage(backend.config(), backend.images());
            try (var metrics = MetricsEndpoint.start(metricsHost, metricsPort);
                 var client = Coordination.connect(zk, Duration.ofMillis(zkSessionMs));
                 var agent = ComputeNodeAgent.start(client, backend, config(backend, ca), metrics.registry())) {
                System.out.println("node " + root.node + " registered at " + zk + "; taking tasks; metering usage every "
                        + sampleIntervalMs + " ms");
                RoleCommands.printMetrics(metrics);
                return awaitStop();
            }
        }
    }

    private ComputeNodeAgent.Config config(RuncZoneBackend backend, Path meteringCa) {
        UsageConfig usage = UsageConfig.defaults(backend.config().stateDir()).withSampleInterval(Duration.ofMillis(sampleIntervalMs))
                .withMeteringCa(meteringCa);
        return new ComputeNodeAgent.Config(root.node, address, traits, usage, meteringUrls(), Duration.ofSeconds(interval),
                transferPort, Duration.ofMillis(beatIntervalMs));
    }

    /** The --metering-url list; empty means the instances registered in ZooKeeper. */
    private List<URI> meteringUrls() {
        if (meteringUrl == null || meteringUrl.isBlank()) {
            return List.of();
        }
        return Arrays.stream(meteringUrl.split(",")).map(String::strip).filter(url -> !url.isEmpty()).map(URI::create).toList();
    }

    private int awaitStop() throws InterruptedException {
        return UntilStopped.await("agent running (reconcile every " + interval + " s); Ctrl-C stops it",
                "gantry: agent stopping; zones keep running and are adopted at the next start");
    }

    static void printSummary(RuncZoneBackend backend) {
        List<Zone> zones = backend.list();
        long running = zones.stream().filter(z -> z.state() == ZoneState.RUNNING).count();
        System.out.printf("node %s: %d zones (%d running), state in %s%n",
                backend.config().node(), zones.size(), running, backend.config().stateDir());
    }
}
