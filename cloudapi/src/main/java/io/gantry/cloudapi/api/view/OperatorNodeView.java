package io.gantry.cloudapi.api.view;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.gantry.cloudapi.service.NodeService;
import io.gantry.cloudapi.store.ComputeNodeRecord;
import io.gantry.common.Json;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A compute node as operators see it (after Triton's {@code sdc-server list}): where it is, its health, capacity,
 * what is booked and used there, its machines by state, its last heartbeat and its agent's version. {@code machines}
 * only in one node's answer.
 */
@JsonPropertyOrder({"name", "health", "alive", "maintenance", "retired", "address", "backend", "version", "capacity", "booked",
        "used", "zones", "reported_zones", "traits", "first_seen", "last_heartbeat", "heartbeat_age", "machines"})
@JsonInclude(JsonInclude.Include.NON_NULL)
public record OperatorNodeView(String name, String health, boolean alive, boolean maintenance, String retired, String address,
                               String backend, String version, Size capacity, Size booked, Size used, Map<String, Long> zones,
                               Integer reported_zones, Map<String, Object> traits, String first_seen, String last_heartbeat,
                               long heartbeat_age, List<MachineOnNode> machines) {

    /** Memory and disk in MiB, CPUs (vCPUs for booked and used), and how many machines (null for capacity). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Size(long memory, long disk, long cpus, Long machines) {
        static Size of(NodeService.Totals t) {
            return new Size(t.memory(), t.disk(), t.vcpus(), t.machines());
        }
    }

    @JsonPropertyOrder({"id", "name", "owner", "state", "memory", "disk", "vcpus", "created"})
    public record MachineOnNode(String id, String name, String owner, String state, long memory, long disk, int vcpus, String created) {
        static MachineOnNode of(NodeService.Machine m) {
            return new MachineOnNode(m.id().toString(), m.name(), m.owner(), m.state(), m.memory(), m.disk(), m.vcpus(), WireTime.of(m.created()));
        }
    }

    /**
     * One word: {@code retired}; {@code lost} (seen, but its agent's advert is gone); {@code maintenance}; or
     * {@code alive}. The first that holds, in that order.
     */
    public static String health(ComputeNodeRecord n) {
        if (n.retiredAt != null) {
            return "retired";
        }
        if (!n.alive) {
            return "lost";
        }
        return n.maintenance ? "maintenance" : "alive";
    }

    public static OperatorNodeView of(NodeService.Status s) {
        return of(s, null);
    }

    public static OperatorNodeView of(NodeService.Detail d) {
        return of(d.status(), d.machines().stream().map(MachineOnNode::of).toList());
    }

    @SuppressWarnings("unchecked")
    private static OperatorNodeView of(NodeService.Status s, List<MachineOnNode> machines) {
        ComputeNodeRecord n = s.node();
        Map<String, Object> traits = n.traits == null ? Map.of() : Json.read(n.traits, Map.class);
        long age = n.lastHeartbeat == null ? -1 : Math.max(0, Duration.between(n.lastHeartbeat, s.at()).toSeconds());
        return new OperatorNodeView(n.name, health(n), n.alive, n.maintenance, WireTime.of(n.retiredAt), n.address, n.backend,
                n.agentVersion, new Size(n.memory, n.disk, n.cpus, null), Size.of(s.booked()), Size.of(s.used()), s.zones(),
                n.reportedZones, traits, WireTime.of(n.firstSeen), WireTime.of(n.lastHeartbeat), age, machines);
    }
}
