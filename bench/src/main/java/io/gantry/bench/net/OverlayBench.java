package io.gantry.bench.net;

import io.gantry.bench.BenchMain;
import io.gantry.bench.BenchResults;
import io.gantry.bench.Samples;
import io.gantry.testkit.OverlayLab;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Zone-to-zone TCP throughput (iperf3, one stream) and round-trip time (ping) across two nodes over the overlay,
 * against two zones on one node, in the same run: the ratio the issue asks for (throughput ≥ 80%, latency ≤ 1.2×).
 * Nodes are network namespaces on an {@link OverlayLab} underlay switch; iperf3 and ping run inside the zones'
 * network namespaces ({@code ip netns exec}), which is the zones' exact network path. Rounds alternate the pairs so
 * a busy moment of the machine does not fall on one side only. Needs root and iperf3.
 */
@Command(name = "overlay-bench", mixinStandardHelpOptions = true,
        description = "Measures TCP throughput and RTT between zones across nodes (VXLAN overlay) against zones on one node.")
public final class OverlayBench implements Callable<Integer> {
    @Option(names = "--rounds", defaultValue = "5", description = "iperf3 runs per pair, alternating (default ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--seconds", defaultValue = "5", description = "Seconds per iperf3 run (default ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--pings", defaultValue = "1000", description = "Echo requests per pair, 10 ms apart (default ${DEFAULT-VALUE}).")
    int pings;

    @Option(names = "--gantry", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Measure real Gantry zones made by the agent's backend (needs runc), besides the hand-built fabric (default ${DEFAULT-VALUE}).")
    boolean gantry;

    @Option(names = "--underlay-mtu", defaultValue = "1500",
            description = "MTU of the lab's underlay (default ${DEFAULT-VALUE}); the fabric's is 50 less (1450 by default; "
                    + "9000 gives Triton's jumbo-frame fabrics).")
    int underlayMtu;

    @Option(names = "--report", description = "Also write the results as Markdown to this file.")
    Path report;

    public static void main(String[] args) {
        BenchMain.run(OverlayBench::new, "warn", args);
    }

    @Override
    public Integer call() throws Exception {
        if (!IperfLab.ready("overlay-bench")) {
            return 1;
        }
        if (rounds < 1 || seconds < 1 || pings < 10 || underlayMtu < 1330 || underlayMtu > 9000) {
            System.err.println("overlay-bench: --rounds and --seconds must be at least 1, --pings at least 10, --underlay-mtu 1330-9000");
            return 2;
        }
        String markdown;
        int fabricMtu = underlayMtu - 50;
        try (OverlayLab lab = OverlayLab.builder().nodes(2).underlayMtu(underlayMtu).start();
             AgentFabric agents = gantry ? new AgentFabric(lab, fabricMtu) : null) {
            say("lab " + lab.namespaces() + ", underlay MTU " + underlayMtu + ", fabric MTU " + fabricMtu);
            HandFabric fabric = new HandFabric(lab, 4096, fabricMtu);
            HandFabric.Zone a = fabric.addZone(0);
            HandFabric.Zone b = fabric.addZone(0);
            HandFabric.Zone c = fabric.addZone(1);
            fabric.programRemotes();
            List<ZonePair> pairs = new ArrayList<>();
            if (agents != null) {
                say("starting Gantry zones: two on node 0, one on node 1");
                AgentFabric.Zone ga = agents.addZone(0);
                AgentFabric.Zone gb = agents.addZone(0);
                AgentFabric.Zone gc = agents.addZone(1);
                agents.programOverlay();
                pairs.add(new ZonePair("Gantry zones: two on one node (baseline)", ga.netns(), gb.netns(), gb.ip()));
                pairs.add(new ZonePair("Gantry zones: two on two nodes, over the overlay", ga.netns(), gc.netns(), gc.ip()));
            }
            pairs.addAll(List.of(
                    new ZonePair("kernel VXLAN by hand: two zones on one node (baseline)", a.netns(), b.netns(), b.ip()),
                    new ZonePair("kernel VXLAN by hand: two zones on two nodes", a.netns(), c.netns(), c.ip()),
                    new ZonePair("reference: the lab's wire alone, node 0 to node 1 underlay", lab.underlayNetns(0), lab.underlayNetns(1),
                            lab.underlayIp(1))));
            for (ZonePair p : pairs) {
                if (!lab.ping(p.clientNetns(), p.serverIp())) {
                    throw new IllegalStateException("no ping from " + p.clientNetns() + " to " + p.serverIp() + " (" + p.label() + ")");
                }
            }
            markdown = measure(pairs);
        }
        BenchResults.publish(markdown, report, OverlayBench::say);
        return 0;
    }

    /**
     * Pairs are compared two by two: each odd one against the even one before it (its baseline); a last odd pair out
     * is a reference without a ratio.
     */
    private String measure(List<ZonePair> pairs) {
        Map<ZonePair, List<Double>> gbits = new LinkedHashMap<>();
        Map<ZonePair, Samples> rtts = new LinkedHashMap<>();
        pairs.forEach(p -> gbits.put(p, new ArrayList<>()));
        Iperf3.bitsPerSecond(pairs.get(0).clientNetns(), pairs.get(0).serverNetns(), pairs.get(0).serverIp(), 1); // warm-up
        for (int r = 0; r < rounds; r++) {
            List<ZonePair> order = new ArrayList<>(pairs);
            if (r % 2 == 1) {
                java.util.Collections.reverse(order);
            }
            for (ZonePair p : order) {
                double bps = Iperf3.bitsPerSecond(p.clientNetns(), p.serverNetns(), p.serverIp(), seconds);
                gbits.get(p).add(bps / 1e9);
                say(String.format(Locale.ROOT, "round %d %s: %.2f Gbit/s", r + 1, p.label(), bps / 1e9));
            }
        }
        for (ZonePair p : pairs) {
            rtts.put(p, PingRtt.measure(p.clientNetns(), p.serverIp(), pings));
            say(String.format(Locale.ROOT, "%s: rtt p50 %.3f ms", p.label(), rtts.get(p).p50()));
        }
        StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "%d iperf3 runs of %d s per pair (one TCP stream, alternating), %d pings 10 ms apart%n%n",
                rounds, seconds, pings));
        md.append("| pair | Gbit/s per run | median Gbit/s | RTT p50 ms | RTT p90 ms | RTT p99 ms |\n|---|---|---:|---:|---:|---:|\n");
        for (ZonePair p : pairs) {
            Samples rtt = rtts.get(p);
            md.append(String.format(Locale.ROOT, "| %s | %s | %.2f | %.3f | %.3f | %.3f |%n", p.label(),
                    Gbits.perRun(gbits.get(p)), Gbits.median(gbits.get(p)), rtt.p50(), rtt.percentile(90), rtt.p99()));
        }
        md.append("\n| ratio | throughput (median) | RTT p50 | RTT p99 |\n|---|---:|---:|---:|\n");
        for (int i = 0; i + 1 < pairs.size(); i += 2) {
            ZonePair base = pairs.get(i);
            ZonePair other = pairs.get(i + 1);
            md.append(String.format(Locale.ROOT, "| %s / %s | %.2f | %.2f | %.2f |%n", other.label(), base.label(),
                    Gbits.median(gbits.get(other)) / Gbits.median(gbits.get(base)),
                    rtts.get(other).p50() / rtts.get(base).p50(), rtts.get(other).p99() / rtts.get(base).p99()));
        }
        return md.toString();
    }

    private static void say(String line) {
        System.out.println("[bench] " + line);
        System.out.flush();
    }
}
