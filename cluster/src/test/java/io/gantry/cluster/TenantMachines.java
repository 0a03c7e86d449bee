package io.gantry.cluster;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.gantry.testkit.SignedClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * The tenant's machines as a test drives and checks them: creates with a caller-chosen {@code uuid} (so a retry
 * is the same create), states through the load balancer, and the zones that really exist on the nodes.
 */
public final class TenantMachines {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final ClusterRun run;

    public TenantMachines(ClusterRun run) {
        this.run = run;
    }

    /** One create; the reply as the API gave it (201 once committed). */
    public SignedClient.Reply create(UUID id, String name) {
        ClusterTenant t = run.tenant();
        return t.client().post("/my/machines", Map.of("uuid", id.toString(), "name", name, "image", t.image(), "package", t.pkg()));
    }

    /** The machine's state as the tenant sees it ({@code running}, {@code unknown}…), or {@code status:<n>}. */
    public String state(UUID id) {
        SignedClient.Reply r = run.tenant().client().get("/my/machines/" + id);
        return r.status() == 200 || r.status() == 410 ? r.state() : "status:" + r.status(); // 410: deleted, with its body
    }

    public String node(UUID id) {
        return String.valueOf(run.tenant().client().get("/my/machines/" + id).json().get("compute_node"));
    }

    /** Polls every 100 ms until each machine's state passes; the milliseconds it took, or -1 at the limit. */
    public long await(Collection<UUID> ids, Predicate<String> state, Duration limit) {
        long t0 = System.nanoTime();
        long deadline = t0 + limit.toNanos();
        while (System.nanoTime() < deadline) {
            if (ids.stream().allMatch(id -> state.test(state(id)))) {
                return (System.nanoTime() - t0) / 1_000_000;
            }
            Pause.millis(100);
        }
        return -1;
    }

    /** Deletes them and waits until each is {@code deleted}; false if some did not get there in time. */
    public boolean deleteAll(Collection<UUID> ids, Duration limit) {
        ids.parallelStream().forEach(id -> run.tenant().client().delete("/my/machines/" + id));
        return await(ids, "deleted"::equals, limit) >= 0;
    }

    /** The account's machines (as {@code tenant} lists them through the API) that are not deleted. */
    public static List<UUID> undeleted(SignedClient tenant) {
        return tenant.get("/my/machines").list().stream().filter(m -> !"deleted".equals(m.get("state")))
                .map(m -> UUID.fromString(m.get("id").toString())).toList();
    }

    /** How many zones each machine id has across the nodes that run (gantry zone list on each). */
    public Map<String, Integer> zonesOnNodes() {
        Map<String, Integer> count = new HashMap<>();
        for (ClusterHost node : run.cluster().nodes()) {
            zonesOn(node).forEach(uuid -> count.merge(uuid, 1, Integer::sum));
        }
        return count;
    }

    /** The machine ids of the zones a node holds, as the node itself lists them (gantry zone list there). */
    public List<String> zonesOn(ClusterHost node) {
        String out = run.cluster().gantry(node.name(), Duration.ofMinutes(1), "--node", node.name(), "--state-dir",
                "/var/lib/gantry/state", "zone", "list", "--json").check("gantry zone list on " + node.name());
        try {
            List<String> ids = new java.util.ArrayList<>();
            JSON.readTree(out.substring(out.indexOf('['))).forEach(z -> ids.add(z.get("uuid").asText()));
            return ids;
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("zone list on " + node.name() + ": " + out, e);
        }
    }

    /** Machine ids with more than one zone. */
    public static List<String> doubled(Map<String, Integer> zones) {
        return zones.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList();
    }
}
