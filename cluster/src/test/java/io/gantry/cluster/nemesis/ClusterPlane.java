package io.gantry.cluster.nemesis;

import io.gantry.cloudapi.auth.SshPublicKey;
import io.gantry.cluster.ClusterHost;
import io.gantry.cluster.ClusterRun;
import io.gantry.cluster.Finding;
import io.gantry.cluster.GantryCluster;
import io.gantry.cluster.Leaders;
import io.gantry.cluster.ReliabilityReport;
import io.gantry.cluster.TenantMachines;
import io.gantry.cluster.ZoneUsage;
import io.gantry.cluster.nemesis.FinalState.MeteredUsage;
import io.gantry.testkit.SignedClient;
import io.gantry.testkit.TestKeys;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The container cluster as the nemesis breaks it: tenants of their own for the workload's clients, the faults of
 * issue 17 done to the cluster's hosts (each heal safe when its fault is not in effect), the nodes' zones as the nodes
 * list them, and each running zone's metered CPU time beside its cgroup's counter.
 */
final class ClusterPlane {
    static final List<String> PACKAGES = List.of("cluster-64M", "cluster-128M");
    private static final Duration START = Duration.ofMinutes(3);
    /** Longer than a sample takes from the cgroup to metering's record (1 s sampling, 1 s shipping, the ingest). */
    private static final Duration SAMPLE_LAG = Duration.ofSeconds(5);

    private final ClusterRun run;
    private final GantryCluster cluster;
    private final TenantMachines machines;
    private final Random choice;
    private final KeyPair key = TestKeys.rsa();
    private final SshPublicKey publicKey = SshPublicKey.parse(TestKeys.openSsh(key, "nemesis"));
    /** Nodes killed during the run: their zones were made again, so their cgroup counters restarted from zero. */
    private final Set<String> killedNodes = ConcurrentHashMap.newKeySet();
    private final List<SignedClient> tenants = new ArrayList<>();
    private final Set<UUID> before = new HashSet<>();

    ClusterPlane(ClusterRun run, long seed) {
        this.run = run;
        this.cluster = run.cluster();
        this.machines = new TenantMachines(run);
        this.choice = new Random(seed ^ 0x5eed);
        zones().values().forEach(before::addAll);
        if (!before.isEmpty()) {
            System.out.println("cluster nemesis: " + before.size() + " zones of earlier tests are on the nodes; the checker leaves them out");
        }
        SignedClient operator = run.tenant().operator();
        int status = operator.post("/ops/packages", Map.of("name", PACKAGES.get(1), "memory", 128, "disk", 64, "vcpus", 1, "lwps", 256)).status();
        if (status != 201 && status != 409) {
            throw new IllegalStateException("the second package: status " + status);
        }
    }

    String image() {
        return run.tenant().image();
    }

    /**
     * A new tenant account with the plane's key, and a client signing as it. Its limits leave room for the machines whose
     * delete is accepted but not yet done, which count until then: on real zones they pile up while a fault holds.
     */
    SignedClient tenant(String login) {
        SignedClient operator = run.tenant().operator();
        expect(operator.post("/ops/accounts", Map.of("login", login, "email", login + "@cluster.test", "key",
                TestKeys.openSsh(key, "nemesis"))), 201);
        expect(operator.put("/ops/accounts/" + login + "/limits/count", "{\"value\": 1000}"), 200);
        expect(operator.put("/ops/accounts/" + login + "/limits/ram", "{\"value\": 1048576}"), 200);
        SignedClient client = new SignedClient(cluster.apiUrl(), login, publicKey.md5Fingerprint(), key);
        tenants.add(client);
        return client;
    }

    /** The run's row in docs/reliability.md. */
    void record(NemesisRun.Result result, Duration duration, long seed) {
        Map<Violation.Rule, Long> byRule = new java.util.EnumMap<>(Violation.Rule.class);
        result.violations().forEach(v -> byRule.merge(v.rule(), 1L, Long::sum));
        int lost = (int) (byRule.getOrDefault(Violation.Rule.ACKNOWLEDGED_CREATE, 0L) + byRule.getOrDefault(Violation.Rule.RUNNING_WITHOUT_ONE_ZONE, 0L));
        int doubled = (int) (byRule.getOrDefault(Violation.Rule.ORPHAN_ZONE, 0L) + byRule.getOrDefault(Violation.Rule.DELETE_CAME_BACK, 0L)
                + byRule.getOrDefault(Violation.Rule.UNASKED_MACHINE, 0L));
        String summary = result.summary().replace('\n', ' ').replace('|', '/');
        ReliabilityReport.record(new Finding("nemesis: a random fault of this list every 10-30 s for " + duration.toSeconds()
                + " s under create, resize and delete load from 4 tenants",
                "the checker over the history: every acknowledged create one running or deleted machine, no acknowledged delete"
                        + " back, every zone a record and every running record one zone, each zone's metered CPU within 0.1% of its"
                        + " cgroup (zones of nodes never killed: " + result.end().usage().size() + ")",
                -1, result.settledIn() == null ? -1 : result.settledIn().toMillis(), lost, doubled,
                "seed " + seed + "; " + summary + (byRule.isEmpty() ? "" : "; violations " + byRule)));
    }

    /** Deletes every machine of the run's tenants (so the cluster's next tests have its room) and waits until they are gone. */
    void deleteEverything(Duration limit) {
        List<UUID> all = new ArrayList<>();
        for (SignedClient t : tenants) {
            try {
                for (UUID id : TenantMachines.undeleted(t)) {
                    t.delete("/my/machines/" + id);
                    all.add(id);
                }
            } catch (RuntimeException e) {
                System.err.println("nemesis clean-up: " + e);
            }
        }
        long deadline = System.nanoTime() + limit.toNanos();
        for (SignedClient t : tenants) {
            while (System.nanoTime() < deadline && !TenantMachines.undeleted(t).isEmpty()) {
                sleep(500);
            }
        }
        System.out.println("nemesis clean-up: " + all.size() + " machines deleted");
    }

    List<Fault> faults() {
        return List.of(
                Fault.of("kill the cloud API api1", () -> cluster.host("api1").kill(), () -> cluster.host("api1").startIfStopped(START)),
                Fault.of("kill the leading provisioner", this::killLeadingProvisioner,
                        () -> cluster.provisioners().forEach(p -> p.startIfStopped(START))),
                Fault.of("kill PostgreSQL", () -> cluster.host("pg").kill(), () -> cluster.host("pg").startIfStopped(START)),
                Fault.of("kill a ZooKeeper member", () -> pick(cluster.zookeepers()).kill(),
                        () -> cluster.zookeepers().forEach(z -> z.startIfStopped(START))),
                Fault.of("kill a compute node", this::killANode, this::startKilledNodes),
                Fault.of("pause a compute node", () -> pick(cluster.nodes()).pause(),
                        () -> cluster.nodes().stream().filter(ClusterHost::paused).forEach(ClusterHost::unpause)),
                Fault.of("cut a compute node off the network", () -> pick(cluster.nodes()).disconnect(),
                        () -> cluster.nodes().stream().filter(ClusterHost::disconnected).forEach(ClusterHost::reconnect)),
                Fault.of("kill the whole control plane", () -> GantryCluster.inParallel(cluster.controlPlane(), ClusterHost::kill),
                        () -> cluster.startControlPlane(START)));
    }

    /**
     * Each node's zones as the node lists them, but for zones that were there before the run (another test's, which
     * the cluster's tidy-up had not removed: said on the output when the plane is made); a node that does not answer
     * (down, cut off) is left out.
     */
    Map<String, Set<UUID>> zones() {
        Map<String, Set<UUID>> out = new LinkedHashMap<>();
        for (ClusterHost node : cluster.nodes()) {
            try {
                Set<UUID> ids = new HashSet<>();
                machines.zonesOn(node).forEach(id -> ids.add(UUID.fromString(id)));
                ids.removeAll(before);
                out.put(node.name(), ids);
            } catch (RuntimeException unreachable) {
                // not settled yet: its zones are missing, so they cannot match the running machines
            }
        }
        return out;
    }

    /**
     * Each zone's metered CPU seconds beside its cgroup's, for the zones on nodes never killed in the run (a killed
     * node's zones are made again, their counters from zero, while metering rightly keeps what they used before). The
     * counter is read once more than {@link #SAMPLE_LAG} before metering is asked, and again after: a metered total that
     * is current lies between the two (an idle zone's counter still creeps while the last samples travel). Waits up to
     * a minute for every zone to agree; the checker judges what is read then.
     */
    List<MeteredUsage> usage() {
        Map<UUID, ZoneUsage> zones = new LinkedHashMap<>();
        zones().forEach((node, ids) -> {
            if (!killedNodes.contains(node)) {
                ids.forEach(id -> zones.put(id, new ZoneUsage(cluster, node, id)));
            }
        });
        zones.values().removeIf(z -> !z.hasCgroup()); // stopped (e.g. its node was paused while it was made): nothing runs to count
        Map<UUID, Long> earlier = new LinkedHashMap<>();
        zones.forEach((id, z) -> earlier.put(id, z.cgroupCpuNs()));
        sleep(SAMPLE_LAG.toMillis());
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (true) {
            List<MeteredUsage> usage = new ArrayList<>();
            zones.forEach((id, z) -> {
                double metered = z.metered().cpuNs() / 1e9;
                usage.add(new MeteredUsage(id, "cpu_seconds", metered, z.cgroupCpuNs() / 1e9, earlier.get(id) / 1e9));
            });
            if (usage.stream().allMatch(MeteredUsage::agrees) || System.nanoTime() > deadline) {
                return usage;
            }
            sleep(1000);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private void killLeadingProvisioner() {
        cluster.host(Leaders.provisioner(cluster.record(), Set.of(), Duration.ofSeconds(10))).kill();
    }

    private void killANode() {
        ClusterHost node = pick(cluster.nodes());
        killedNodes.add(node.name());
        node.kill();
    }

    /**
     * Starts the killed nodes, then does what their tenants do: once the nodes' machines read {@code stopped} (their
     * zones died with the node), starts them again. Gantry does not restart a dead node's zones by itself.
     */
    private void startKilledNodes() {
        List<ClusterHost> started = cluster.nodes().stream().filter(n -> !n.running()).toList();
        started.forEach(n -> n.restart(START));
        if (started.isEmpty()) {
            return;
        }
        Set<String> names = new HashSet<>();
        started.forEach(n -> names.add(n.name()));
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        for (SignedClient t : tenants) {
            boolean settled = false;
            while (!settled && System.nanoTime() < deadline) {
                List<Map<String, Object>> mine = t.get("/my/machines").list().stream()
                        .filter(m -> names.contains(String.valueOf(m.get("compute_node")))).toList();
                settled = mine.stream().noneMatch(m -> "unknown".equals(m.get("state")));
                if (settled) {
                    mine.stream().filter(m -> "stopped".equals(m.get("state")))
                            .forEach(m -> t.post("/my/machines/" + m.get("id") + "?action=start", Map.of()));
                } else {
                    sleep(500);
                }
            }
        }
    }

    private synchronized ClusterHost pick(List<ClusterHost> hosts) {
        return hosts.get(choice.nextInt(hosts.size()));
    }

    private static void expect(SignedClient.Reply reply, int status) {
        if (reply.status() != status) {
            throw new IllegalStateException("expected " + status + ", got " + reply);
        }
    }
}
