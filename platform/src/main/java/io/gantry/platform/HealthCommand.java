package io.gantry.platform;

import io.gantry.common.Json;
import io.gantry.platform.OperatorCommands.CloudApiTarget;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code gantry ops health}: the cloud API's health report of every role, the nodes, PostgreSQL and ZooKeeper, as a
 * summary (or JSON); the exit code is the overall status (0 ok, 5 degraded, 6 down).
 */
@Command(name = "health", description = "One report of every role (cloud API, provisioner, metering), the nodes, PostgreSQL and ZooKeeper."
        + " Exit 0 ok, 5 degraded, 6 down.")
final class HealthCommand implements Callable<Integer> {
    @Mixin
    CloudApiTarget target;

    @Option(names = "--json", description = "Print the report as JSON.")
    boolean json;

    @Override
    public Integer call() {
        Map<?, ?> report = Json.read(target.send("GET", "/ops/health", null), Map.class);
        if (json) {
            System.out.println(Json.writePretty(report));
        } else {
            print(report);
        }
        return switch (String.valueOf(report.get("status"))) {
            case "ok" -> ExitCodes.OK;
            case "degraded" -> ExitCodes.HEALTH_DEGRADED;
            default -> ExitCodes.HEALTH_DOWN;
        };
    }

    private static void print(Map<?, ?> report) {
        System.out.println("status: " + report.get("status"));
        for (Object problem : list(report.get("problems"))) {
            System.out.println("  problem: " + problem);
        }
        String row = "%-12s %-24s %-28s %-8s %-7s %-11s %s%n";
        System.out.printf(row, "ROLE", "INSTANCE", "ADDRESS", "VERSION", "LEADER", "STATE", "LAST SEEN");
        Map<?, ?> roles = (Map<?, ?>) report.get("roles");
        roles.forEach((role, instances) -> {
            if (list(instances).isEmpty()) {
                System.out.printf(row, role, "-", "-", "-", "-", "none", "-");
            }
            for (Object o : list(instances)) {
                Map<?, ?> i = (Map<?, ?>) o;
                System.out.printf(row, role, i.get("instance"), i.get("address"), i.get("version"),
                        Boolean.TRUE.equals(i.get("leader")) ? "leader" : "-", Boolean.TRUE.equals(i.get("reachable")) ? "up" : "stale",
                        i.get("seconds_since_seen") + " s ago");
            }
        });
        Map<?, ?> pg = (Map<?, ?>) report.get("postgres");
        if (Boolean.TRUE.equals(pg.get("reachable"))) {
            List<?> standbys = list(pg.get("standbys"));
            System.out.println("postgresql: reachable, version " + pg.get("version") + ", " + pg.get("role")
                    + (pg.get("note") != null ? ", " + pg.get("note") : ""));
            for (Object o : standbys) {
                Map<?, ?> s = (Map<?, ?>) o;
                System.out.println("  standby " + s.get("name") + " at " + s.get("address") + ": " + s.get("state") + ", lag "
                        + s.get("lag_bytes") + " bytes, " + s.get("replay_lag_seconds") + " s");
            }
        } else {
            System.out.println("postgresql: unreachable: " + pg.get("error"));
        }
        Map<?, ?> zk = (Map<?, ?>) report.get("zookeeper");
        if (!Boolean.TRUE.equals(zk.get("configured"))) {
            System.out.println("zookeeper: " + zk.get("note"));
        } else {
            System.out.println("zookeeper: " + zk.get("connect"));
            for (Object o : list(zk.get("members"))) {
                Map<?, ?> m = (Map<?, ?>) o;
                System.out.println("  " + m.get("address") + ": " + (m.get("mode") != null
                        ? m.get("mode") + ", version " + m.get("version") + ", zxid " + m.get("zxid") + ", lag " + m.get("lag")
                        : (Boolean.TRUE.equals(m.get("reachable")) ? "not serving: " : "unreachable: ") + m.get("error")));
            }
        }
        Map<?, ?> nodes = (Map<?, ?>) report.get("nodes");
        List<?> rows = list(nodes.get("nodes"));
        System.out.println("nodes: " + (rows.isEmpty() && nodes.get("note") != null ? nodes.get("note") : rows.size() + " in service or lost"));
        for (Object o : rows) {
            Map<?, ?> n = (Map<?, ?>) o;
            System.out.println("  " + n.get("name") + ": " + n.get("health") + ", version " + n.get("version") + ", last heartbeat "
                    + n.get("seconds_since_heartbeat") + " s ago");
        }
    }

    private static List<?> list(Object value) {
        return value instanceof List<?> l ? l : List.of();
    }
}
