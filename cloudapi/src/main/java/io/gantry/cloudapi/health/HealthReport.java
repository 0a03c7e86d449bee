package io.gantry.cloudapi.health;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The operators' health report ({@code GET /ops/health}), as it goes on the wire: every control-plane role's
 * instances (from their heartbeats), the compute nodes, PostgreSQL and ZooKeeper, with one overall status and the
 * problems that made it so.
 */
@JsonPropertyOrder({"status", "problems", "checked", "roles", "nodes", "postgres", "zookeeper"})
public record HealthReport(String status, List<String> problems, String checked, Map<String, List<Instance>> roles, Nodes nodes,
                           Postgres postgres, ZooKeeper zookeeper) {
    public static final String OK = "ok";
    public static final String DEGRADED = "degraded";
    public static final String DOWN = "down";
    public static final List<String> ROLES = List.of("cloudapi", "provisioner", "metering");

    /** One instance of a role; {@code reachable} is false once it has not written its heartbeat for the stale time. */
    @JsonPropertyOrder({"instance", "address", "version", "leader", "reachable", "started", "last_seen", "seconds_since_seen"})
    public record Instance(String instance, String address, String version, boolean leader, boolean reachable, String started,
                           @JsonProperty("last_seen") String lastSeen, @JsonProperty("seconds_since_seen") long secondsSinceSeen) {
    }

    /** The compute nodes, as the record holds them ({@code source}: the table), or why there are none to show. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Nodes(String source, List<Map<String, Object>> nodes, String note) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({"reachable", "version", "role", "standbys", "note", "error"})
    public record Postgres(boolean reachable, String version, String role, List<Standby> standbys, String note, String error) {
        public static Postgres unreachable(String error) {
            return new Postgres(false, null, null, null, null, error);
        }
    }

    /** A streaming standby of the primary (pg_stat_replication): its lag in bytes of WAL and in seconds of replay. */
    @JsonPropertyOrder({"name", "address", "state", "lag_bytes", "replay_lag_seconds"})
    public record Standby(String name, String address, String state, @JsonProperty("lag_bytes") Long lagBytes,
                          @JsonProperty("replay_lag_seconds") Double replayLagSeconds) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({"configured", "connect", "members", "note"})
    public record ZooKeeper(boolean configured, String connect, List<ZkMember> members, String note) {
        public static ZooKeeper notConfigured() {
            return new ZooKeeper(false, null, null, "ZooKeeper is not configured for this cloud API (gantry cloudapi --zk)");
        }
    }

    /** One ZooKeeper member: its mode (leader, follower, standalone) when it serves, its last zxid and how far behind it is. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({"address", "reachable", "mode", "version", "zxid", "lag", "error"})
    public record ZkMember(String address, boolean reachable, String mode, String version, String zxid, Long lag, String error) {
        static ZkMember unreachable(String address, String error) {
            return new ZkMember(address, false, null, null, null, null, error);
        }

        ZkMember withLag(long lag) {
            return new ZkMember(address, reachable, mode, version, zxid, lag, error);
        }

        boolean serving() {
            return reachable && mode != null;
        }

        boolean leads() {
            return "leader".equals(mode) || "standalone".equals(mode);
        }
    }

    /**
     * The overall status and its problems. Down: PostgreSQL unreachable, no ZooKeeper member leading (when ZooKeeper is
     * configured), or no provisioner instance alive. Degraded: a stale instance, no provisioner or metering leader, no
     * metering instance alive, a ZooKeeper member not serving, or a standby that is not streaming.
     */
    public static HealthReport assess(String checked, Map<String, List<Instance>> roles, Nodes nodes, Postgres postgres,
                                      ZooKeeper zookeeper) {
        List<String> down = new ArrayList<>();
        List<String> degraded = new ArrayList<>();
        if (!postgres.reachable()) {
            down.add("PostgreSQL is unreachable: " + postgres.error());
        } else if (postgres.standbys() != null) {
            postgres.standbys().stream().filter(s -> !"streaming".equals(s.state()))
                    .forEach(s -> degraded.add("PostgreSQL standby " + s.name() + " is " + s.state() + ", not streaming"));
        }
        if (zookeeper.configured()) {
            if (zookeeper.members().stream().noneMatch(m -> m.serving() && m.leads())) {
                down.add("no ZooKeeper member leads: the ensemble has no quorum");
            }
            zookeeper.members().stream().filter(m -> !m.serving())
                    .forEach(m -> degraded.add("ZooKeeper member " + m.address() + " is not serving: " + m.error()));
        }
        if (roles == null) {
            // the heartbeats live in PostgreSQL: without it nothing is known of the roles
            List<String> problems = new ArrayList<>(down);
            problems.addAll(degraded);
            return new HealthReport(DOWN, problems, checked, Map.of(), nodes, postgres, zookeeper);
        }
        roles.forEach((role, instances) -> instances.stream().filter(i -> !i.reachable())
                .forEach(i -> degraded.add(role + " " + i.instance() + " is stale: not seen for " + i.secondsSinceSeen() + " s")));
        List<Instance> provisioners = alive(roles, "provisioner");
        if (provisioners.isEmpty()) {
            down.add("no provisioner is running: no machine is placed or changed");
        } else if (provisioners.stream().noneMatch(Instance::leader)) {
            degraded.add("no provisioner leads (an election is under way, or ZooKeeper is unreachable for them)");
        }
        List<Instance> metering = alive(roles, "metering");
        if (metering.isEmpty()) {
            degraded.add("no metering instance is running: usage is not collected and budgets are not enforced");
        } else if (metering.stream().noneMatch(Instance::leader)) {
            degraded.add("no metering instance leads: usage is not rolled up and budgets are not enforced");
        }
        if (nodes != null && nodes.nodes() != null) {
            nodes.nodes().stream().filter(n -> "lost".equals(n.get("health")))
                    .forEach(n -> degraded.add("node " + n.get("name") + " is lost: its agent has not been seen for "
                            + n.get("seconds_since_heartbeat") + " s (see ops-runbooks/lost-compute-node.md)"));
        }
        List<String> problems = new ArrayList<>(down);
        problems.addAll(degraded);
        String status = !down.isEmpty() ? DOWN : !degraded.isEmpty() ? DEGRADED : OK;
        return new HealthReport(status, problems, checked, roles, nodes, postgres, zookeeper);
    }

    private static List<Instance> alive(Map<String, List<Instance>> roles, String role) {
        return roles.getOrDefault(role, List.of()).stream().filter(Instance::reachable).toList();
    }
}
