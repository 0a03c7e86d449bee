package io.gantry.cluster;

import io.gantry.testkit.SignedClient;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * Polls, every 100 ms from the fault on, what a tenant and an operator see of a node that went away: the first
 * time one of its machines is {@code unknown} (tenant, {@code GET /my/machines/:id}) and the first time the node's
 * health is no longer {@code alive} (operator, {@code GET /ops/nodes/:node}).
 *
 * @param machineMillis from the start of the watch until a machine showed {@code unknown} (-1: not within the limit)
 * @param healthMillis  until the operator saw the node not alive (-1: not within the limit)
 * @param health        the health the operator saw then
 */
record NodeLossWatch(long machineMillis, long healthMillis, String health) {
    static NodeLossWatch until(TenantMachines machines, SignedClient operator, String node, List<UUID> onNode, Duration limit) {
        long t0 = System.nanoTime();
        long deadline = t0 + limit.toNanos();
        long machine = -1;
        long health = -1;
        String seen = "alive";
        while (System.nanoTime() < deadline && (machine < 0 || health < 0)) {
            long now = (System.nanoTime() - t0) / 1_000_000;
            if (machine < 0 && onNode.stream().anyMatch(id -> machines.state(id).equals("unknown"))) {
                machine = now;
            }
            if (health < 0) {
                SignedClient.Reply r = operator.get("/ops/nodes/" + node);
                Object h = r.status() == 200 ? r.json().get("health") : null;
                if (h != null && !"alive".equals(h)) {
                    health = now;
                    seen = h.toString();
                }
            }
            Pause.millis(100);
        }
        return new NodeLossWatch(machine, health, seen);
    }
}
