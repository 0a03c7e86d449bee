package io.gantry.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Puts the shared cluster back as the next test expects it, whether the last test passed or failed: every host
 * running and on the network, and none of the test tenant's machines left. A failed test's leftovers would
 * otherwise fill the nodes and fail the tests after it for a reason that is not theirs.
 */
final class ClusterTidy {
    private static final Duration LIMIT = Duration.ofMinutes(4);

    private ClusterTidy() {
    }

    /** What it had to do, for the test output; empty when the cluster was already tidy. */
    static List<String> after(ClusterRun run) {
        List<String> done = new ArrayList<>();
        GantryCluster cluster = run.cluster();
        cluster.nodes().forEach(h -> {
            if (h.paused()) {
                h.unpause();
                done.add(h.name() + " thawed");
            }
            if (h.disconnected()) {
                h.reconnect();
                done.add(h.name() + " reconnected");
            }
        });
        List<ClusterHost> stopped = cluster.controlPlane().stream().filter(h -> !h.running()).toList();
        if (!stopped.isEmpty()) {
            cluster.startControlPlane(LIMIT);
            done.add(stopped.stream().map(ClusterHost::name).toList() + " started");
        }
        for (ClusterHost node : cluster.nodes()) {
            if (!node.running()) {
                node.restart(LIMIT);
                done.add(node.name() + " started");
            }
        }
        List<String> silent = silentNodes(cluster, Duration.ofMinutes(2));
        for (String name : silent) {
            cluster.host(name).kill();
            cluster.host(name).restart(LIMIT);
            done.add(name + " restarted (its agent had not beaten for two minutes)");
        }
        List<String> stillSilent = silent.isEmpty() ? List.of() : silentNodes(cluster, Duration.ofMinutes(2));
        if (!stillSilent.isEmpty()) {
            done.add("nodes still silent after their restart: " + stillSilent);
        }
        List<UUID> left = TenantMachines.undeleted(run.tenant().client());
        if (!left.isEmpty()) {
            boolean gone = new TenantMachines(run).deleteAll(left, LIMIT);
            done.add(left.size() + " machines of the test tenant deleted" + (gone ? "" : ", not all within " + LIMIT.toMinutes() + " min"));
        }
        return done;
    }

    /** The nodes whose agent the record does not see alive with a beat recorded in the last 20 s (the leader writes one every 5 s), after waiting up to {@code limit}. */
    private static List<String> silentNodes(GantryCluster cluster, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (true) {
            List<String> silent = new ArrayList<>();
            for (ClusterHost node : cluster.nodes()) {
                long seen = cluster.record().scalar("select count(*) from compute_nodes where name = ? and alive"
                        + " and last_heartbeat > now() - interval '20 seconds'", node.name());
                if (seen == 0) {
                    silent.add(node.name());
                }
            }
            if (silent.isEmpty() || System.nanoTime() > deadline) {
                return silent;
            }
            Pause.millis(1000);
        }
    }
}
