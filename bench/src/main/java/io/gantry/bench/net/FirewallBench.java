package io.gantry.bench.net;

import io.gantry.agent.net.ZoneFirewall;
import io.gantry.bench.BenchMain;
import io.gantry.bench.BenchResults;
import io.gantry.bench.Samples;
import io.gantry.common.firewall.FirewallCompiler;
import io.gantry.common.net.TenantNetView.MachineFirewall;
import io.gantry.testkit.OverlayLab;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The firewall on a node holding 1,000 rules: how long a rule change takes to be enforced on real traffic, and what
 * the firewall costs in throughput. Two zones on one node of an {@link OverlayLab}; 1,000 Triton rules (ip, subnet,
 * port, port range, udp, icmp forms) compiled by {@link FirewallCompiler} for the server zone and applied by the
 * agent's {@link ZoneFirewall} (one nft table in the zone's namespace, replaced in one transaction). One rule lets the
 * client in on a probe port; it is removed and restored in turns while new connections are probed. Throughput: iperf3
 * into the zone with the 1,000-rule table, against the same zone with no table, alternating. Needs root and iperf3.
 */
@Command(name = "firewall-bench", mixinStandardHelpOptions = true,
        description = "Measures rule change → enforcement and firewalled throughput with 1,000 rules on a node.")
public final class FirewallBench implements Callable<Integer> {
    static final int PROBE_PORT = 7000;

    @Option(names = "--rules", defaultValue = "1000", description = "Rules on the node (default ${DEFAULT-VALUE}).")
    int rules;

    @Option(names = "--changes", defaultValue = "100", description = "Rule changes, half removing and half restoring the probe rule (default ${DEFAULT-VALUE}).")
    int changes;

    @Option(names = "--rounds", defaultValue = "5", description = "iperf3 runs per side, alternating (default ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--seconds", defaultValue = "5", description = "Seconds per iperf3 run (default ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--from-record", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Also measure changes committed to PostgreSQL, through the view publisher and ZooKeeper (default ${DEFAULT-VALUE}).")
    boolean fromRecord;

    @Option(names = "--agent", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "With --from-record: also through real Gantry zones and the agent's NetViewWatcher (needs runc; default ${DEFAULT-VALUE}).")
    boolean agent;

    @Option(names = "--report", description = "Also write the results as Markdown to this file.")
    Path report;

    public static void main(String[] args) {
        BenchMain.run(FirewallBench::new, "warn", args);
    }

    @Override
    public Integer call() throws Exception {
        if (!IperfLab.ready("firewall-bench")) {
            return 1;
        }
        if (rules < 2 || changes < 2 || rounds < 1 || seconds < 1) {
            System.err.println("firewall-bench: --rules and --changes must be at least 2, --rounds and --seconds at least 1");
            return 2;
        }
        String markdown;
        try (OverlayLab lab = OverlayLab.start(1)) {
            HandFabric fabric = new HandFabric(lab, 4096);
            HandFabric.Zone client = fabric.addZone(0);
            HandFabric.Zone server = fabric.addZone(0);
            UUID serverId = UUID.randomUUID();
            List<FirewallCompiler.Rule> ruleSet = ruleSet(serverId, client.ip());
            FirewallCompiler.Rule probeRule = ruleSet.get(ruleSet.size() - 1);
            MachineFirewall with = compile(serverId, server.ip(), client.ip(), ruleSet);
            MachineFirewall without = compile(serverId, server.ip(), client.ip(), ruleSet.subList(0, ruleSet.size() - 1));
            MachineFirewall off = new MachineFirewall(serverId, false, List.of());
            say(ruleSet.size() + " rules compiled to " + with.rules().size() + " entries for the server zone");
            ZoneFirewall zoneFirewall = new ZoneFirewall();
            zoneFirewall.apply(server.netns(), with);
            lab.listen(server.netns(), PROBE_PORT);
            lab.listen(server.netns(), PROBE_PORT + 1);
            try (EnforcementProbe probe = new EnforcementProbe(client.netns(), server.ip(), PROBE_PORT)) {
                if (!probe.served() || lab.tcpReachable(client.netns(), server.ip(), PROBE_PORT + 1)) {
                    throw new IllegalStateException("the firewall does not do what the rules say (probe port closed, or a port "
                            + "no rule opens is open); check nft in " + server.netns());
                }
                Samples applyTimes = new Samples();
                Samples enforced = new Samples();
                Samples blockedAfter = new Samples();
                Samples servedAfter = new Samples();
                for (int i = 0; i < changes; i++) {
                    boolean block = i % 2 == 0;
                    MachineFirewall next = block ? without : with;
                    long[] applied = new long[1];
                    long t0 = System.nanoTime();
                    long nanos = probe.nanosUntil(!block, t0, () -> {
                        zoneFirewall.apply(server.netns(), next);
                        applied[0] = System.nanoTime() - t0;
                    }, Duration.ofSeconds(10));
                    applyTimes.add(applied[0]);
                    enforced.add(nanos);
                    (block ? blockedAfter : servedAfter).add(nanos);
                }
                say(String.format(Locale.ROOT, "rule change → enforced p50 %.1f ms, p99 %.1f ms", enforced.p50(), enforced.p99()));
                Samples fromRecordTimes = new Samples();
                Samples throughAgentTimes = new Samples();
                if (fromRecord && agent) {
                    throughAgentTimes = throughTheAgent(lab);
                    say(String.format(Locale.ROOT, "rule committed → enforced by the agent p50 %.1f ms, p99 %.1f ms",
                            throughAgentTimes.p50(), throughAgentTimes.p99()));
                }
                if (fromRecord) {
                    zoneFirewall.apply(server.netns(), without);
                    fromRecordTimes = throughTheRecord(ruleSet, probeRule, serverId, server, client, probe);
                    say(String.format(Locale.ROOT, "rule committed → enforced p50 %.1f ms, p99 %.1f ms", fromRecordTimes.p50(),
                            fromRecordTimes.p99()));
                }
                List<Double> plain = new ArrayList<>();
                List<Double> walled = new ArrayList<>();
                zoneFirewall.apply(server.netns(), off);
                Iperf3.bitsPerSecond(client.netns(), server.netns(), server.ip(), 1); // warm-up
                for (int r = 0; r < rounds; r++) {
                    for (int side = 0; side < 2; side++) {
                        boolean firewalled = (side + r) % 2 == 1;
                        zoneFirewall.apply(server.netns(), firewalled ? with : off);
                        double g = Iperf3.bitsPerSecond(client.netns(), server.netns(), server.ip(), seconds) / 1e9;
                        (firewalled ? walled : plain).add(g);
                        say(String.format(Locale.ROOT, "round %d %s: %.2f Gbit/s", r + 1, firewalled ? "firewalled" : "no firewall", g));
                    }
                }
                markdown = report(ruleSet.size(), with.rules().size(), probeRule, applyTimes, enforced, blockedAfter, servedAfter,
                        fromRecordTimes, throughAgentTimes, plain, walled);
            }
        }
        BenchResults.publish(markdown, report, FirewallBench::say);
        return 0;
    }

    /**
     * The same changes as commits to {@code fwrules} (the probe rule disabled and enabled in turns), carried by the
     * V15 trigger's notification, the view publisher, ZooKeeper and a follower applying the view with ZoneFirewall.
     */
    private final Samples viewSeen = new Samples();
    private final Samples viewApplied = new Samples();

    private Samples throughTheRecord(List<FirewallCompiler.Rule> ruleSet, FirewallCompiler.Rule probeRule, UUID serverId,
                                     HandFabric.Zone server, HandFabric.Zone client, EnforcementProbe probe) throws Exception {
        say("starting PostgreSQL, ZooKeeper and the view publisher");
        Samples times = new Samples();
        try (RecordedFirewall record = new RecordedFirewall()) {
            record.populate(serverId, server.ip(), UUID.randomUUID(), client.ip(), ruleSet);
            try (ViewFollower follower = new ViewFollower(record.zk(), record.account, serverId, server.netns())) {
                long t = System.nanoTime();
                probe.nanosUntil(true, t, () -> { }, Duration.ofSeconds(30)); // the first view, published by the sweep
                say("first view applied, generation " + follower.appliedGeneration());
                for (int i = 0; i < changes; i++) {
                    boolean block = i % 2 == 0;
                    long t0 = System.nanoTime();
                    times.add(commitUntilEnforced(record, probeRule, block, probe, t0));
                    ViewFollower.Step step = follower.awaitStepAfter(t0, Duration.ofSeconds(5));
                    viewSeen.add(step.seenNanos() - t0);
                    viewApplied.add(step.appliedNanos() - t0);
                }
            }
        }
        return times;
    }

    /**
     * The whole chain with nothing of the bench's in it: two real zones made by the agent's backend (the server with
     * firewall_enabled), the same rules for the server in PostgreSQL, the provisioner's publisher, and the agent's own
     * {@code NetViewWatcher} applying the views to the node.
     */
    private Samples throughTheAgent(OverlayLab lab) throws Exception {
        say("starting two Gantry zones, PostgreSQL, ZooKeeper, the view publisher and the agent's view watcher");
        Samples times = new Samples();
        try (AgentFabric agents = new AgentFabric(lab)) {
            AgentFabric.Zone client = agents.addZone(0, false);
            AgentFabric.Zone server = agents.addZone(0, true);
            List<FirewallCompiler.Rule> ruleSet = ruleSet(server.uuid(), client.ip());
            FirewallCompiler.Rule probeRule = ruleSet.get(ruleSet.size() - 1);
            lab.listen(server.netns(), PROBE_PORT);
            try (RecordedFirewall record = new RecordedFirewall();
                 EnforcementProbe probe = new EnforcementProbe(client.netns(), server.ip(), PROBE_PORT)) {
                if (probe.served()) {
                    throw new IllegalStateException("a zone with firewall_enabled was reachable before any view named it");
                }
                record.populate(server.uuid(), server.ip(), client.uuid(), client.ip(), ruleSet);
                try (io.gantry.agent.net.NetViewWatcher watcher = io.gantry.agent.net.NetViewWatcher.start(record.zk(),
                        agents.nodeName(0), agents.network(0))) {
                    probe.nanosUntil(true, System.nanoTime(), () -> { }, Duration.ofSeconds(30)); // the first view
                    say("first view applied by the agent (" + watcher.applied() + " applies)");
                    for (int i = 0; i < changes; i++) {
                        boolean block = i % 2 == 0;
                        times.add(commitUntilEnforced(record, probeRule, block, probe, System.nanoTime()));
                    }
                }
            }
        }
        return times;
    }

    /**
     * Disables ({@code block}) or enables the probe rule in PostgreSQL; the nanoseconds from {@code t0} until new connections
     * are blocked or served accordingly.
     */
    private static long commitUntilEnforced(RecordedFirewall record, FirewallCompiler.Rule probeRule, boolean block,
                                            EnforcementProbe probe, long t0) throws Exception {
        return probe.nanosUntil(!block, t0, () -> {
            try {
                record.setEnabled(probeRule.id(), !block);
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException(e);
            }
        }, Duration.ofSeconds(10));
    }

    /**
     * {@code rules - 2} rules of several forms from peers that are not the client, then the rule that lets iperf3 in,
     * then (last) the probe rule that is taken away and put back.
     */
    private List<FirewallCompiler.Rule> ruleSet(UUID server, String clientIp) {
        List<FirewallCompiler.Rule> out = new ArrayList<>();
        for (int n = 0; n < rules - 2; n++) {
            String peer = "10." + (n / 250) + "." + (n % 250) + ".7";
            int port = 10_000 + n;
            String text = switch (n % 5) {
                case 0 -> "FROM ip " + peer + " TO vm " + server + " ALLOW tcp PORT " + port;
                case 1 -> "FROM subnet 10." + (100 + n / 250) + "." + (n % 250) + ".0/24 TO vm " + server + " ALLOW tcp PORTS " + port + "-" + (port + 20);
                case 2 -> "FROM ip " + peer + " TO vm " + server + " ALLOW udp PORT " + port;
                case 3 -> "FROM ip " + peer + " TO vm " + server + " BLOCK tcp PORT " + port;
                default -> "FROM ip " + peer + " TO vm " + server + " ALLOW icmp TYPE 8";
            };
            out.add(new FirewallCompiler.Rule(UUID.randomUUID(), text, true));
        }
        out.add(new FirewallCompiler.Rule(UUID.randomUUID(), "FROM ip " + clientIp + " TO vm " + server + " ALLOW tcp PORT " + Iperf3.PORT, true));
        out.add(new FirewallCompiler.Rule(UUID.randomUUID(), "FROM ip " + clientIp + " TO vm " + server + " ALLOW tcp PORT " + PROBE_PORT, true));
        return out;
    }

    private static MachineFirewall compile(UUID serverId, String serverIp, String clientIp, List<FirewallCompiler.Rule> rules) {
        List<FirewallCompiler.Machine> machines = List.of(
                new FirewallCompiler.Machine(serverId, List.of(serverIp), Map.of(), true),
                new FirewallCompiler.Machine(UUID.randomUUID(), List.of(clientIp), Map.of(), false));
        return FirewallCompiler.compile(machines, rules).get(0);
    }

    private String report(int ruleCount, int entries, FirewallCompiler.Rule probeRule, Samples apply, Samples enforced,
                          Samples blockedAfter, Samples servedAfter, Samples fromRecordTimes, Samples throughAgentTimes, List<Double> plain,
                          List<Double> walled) {
        StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "%d rules on the node (%d nft entries in the server zone's table); %d changes of `%s`, "
                + "removed and restored in turns; new connections probed (watching for a block: one probe after the other, "
                + "each giving up at %d ms; watching for service: %d probers %d ms apart, each giving up at %d ms)%n%n", ruleCount,
                entries, changes, probeRule.text().replaceAll("vm [0-9a-f-]+", "vm <server>"), EnforcementProbe.PROBE_TIMEOUT.toMillis(),
                EnforcementProbe.PROBERS, EnforcementProbe.STAGGER_MS, EnforcementProbe.SERVED_TIMEOUT.toMillis()));
        md.append("| rule change | changes | p50 ms | p90 ms | p99 ms | max ms |\n|---|---:|---:|---:|---:|---:|\n");
        row(md, "`ZoneFirewall.apply` of the whole table returned", apply);
        row(md, "**change → traffic observed as the rules say** (all)", enforced);
        row(md, "… rule removed → new connections blocked", blockedAfter);
        row(md, "… rule restored → new connections served", servedAfter);
        if (fromRecordTimes.count() > 0) {
            row(md, "**rule disabled/enabled in PostgreSQL (commit) → traffic observed** (trigger, publisher, ZooKeeper, "
                    + "follower, ZoneFirewall)", fromRecordTimes);
            row(md, "… of which: commit → the new view reached the follower (trigger, publisher, ZooKeeper)", viewSeen);
            row(md, "… of which: commit → the follower's ZoneFirewall.apply returned", viewApplied);
        }
        if (throughAgentTimes.count() > 0) {
            row(md, "**rule disabled/enabled in PostgreSQL (commit) → traffic observed, real Gantry zones and the agent's "
                    + "NetViewWatcher** (trigger, publisher, ZooKeeper, watcher, NodeNetwork, ZoneFirewall)", throughAgentTimes);
        }
        double p = Gbits.median(plain);
        double w = Gbits.median(walled);
        md.append("\n| iperf3 into the zone, one TCP stream | Gbit/s per run | median Gbit/s |\n|---|---|---:|\n");
        md.append(String.format(Locale.ROOT, "| no firewall (baseline) | %s | %.2f |%n", Gbits.perRun(plain), p));
        md.append(String.format(Locale.ROOT, "| firewall of %d rules | %s | %.2f |%n", ruleCount, Gbits.perRun(walled), w));
        md.append(String.format(Locale.ROOT, "%n| ratio | value |%n|---|---:|%n| firewalled / no firewall, median throughput | %.2f |%n", w / p));
        return md.toString();
    }

    private static void row(StringBuilder md, String label, Samples s) {
        md.append(String.format(Locale.ROOT, "| %s | %d | %.1f | %.1f | %.1f | %.1f |%n", label, s.count(), s.p50(), s.percentile(90),
                s.p99(), s.percentile(100)));
    }

    private static void say(String line) {
        System.out.println("[bench] " + line);
        System.out.flush();
    }
}
