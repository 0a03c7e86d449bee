package io.gantry.platform;

import static io.gantry.platform.MeteringCommands.encode;

import io.gantry.common.ErrorCode;
import io.gantry.common.GantryException;
import io.gantry.common.Json;
import io.gantry.platform.OperatorCommands.CloudApiTarget;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code gantry server ...}: the operator's compute nodes (after Triton's {@code sdc-server}), over the cloud API's
 * operator routes ({@code /ops/nodes}), signed as {@code gantry account} signs. ({@code gantry node} is this host's
 * own node tool.) Errors one line, usual exit codes.
 */
final class ServerCommands {
    private ServerCommands() {
    }

    private static String node(String name) {
        return "/ops/nodes/" + encode(name);
    }

    @Command(name = "server", description = "See and steer compute nodes: list, get, maintenance, drain, evacuate, retire, forget-machines.",
            subcommands = {ListServers.class, Get.class, Maintenance.class, Drain.class, ServerEvacuateCommand.class, Retire.class,
                    ForgetMachines.class})
    static final class Server {
    }

    @Command(name = "list", description = "Every compute node: health, memory booked/used/total, disk and vCPUs booked/total, "
            + "machines by state, last heartbeat, agent version.")
    static final class ListServers implements Callable<Integer> {
        @Mixin
        CloudApiTarget target;

        @Option(names = "--json", description = "Print the nodes as JSON.")
        boolean json;

        @Override
        public Integer call() {
            target.printList("/ops/nodes", json, "%-16s %-11s %-20s %-15s %-7s %-28s %-10s %s%n",
                    new String[] {"NAME", "HEALTH", "MEMORY B/U/T (MiB)", "DISK B/T (GiB)", "VCPUS", "ZONES", "HEARTBEAT", "VERSION"},
                    ServerCommands::row);
            return ExitCodes.OK;
        }
    }

    private static Object[] row(Map<?, ?> n) {
        Map<?, ?> cap = (Map<?, ?>) n.get("capacity");
        Map<?, ?> booked = (Map<?, ?>) n.get("booked");
        Map<?, ?> used = (Map<?, ?>) n.get("used");
        return new Object[] {n.get("name"), n.get("health"),
                booked.get("memory") + "/" + used.get("memory") + "/" + cap.get("memory"),
                gib(booked.get("disk")) + "/" + gib(cap.get("disk")),
                booked.get("cpus") + "/" + cap.get("cpus"),
                zones((Map<?, ?>) n.get("zones")), n.get("heartbeat_age") + "s ago",
                n.get("version") == null ? "-" : n.get("version")};
    }

    private static long gib(Object mib) {
        return ((Number) mib).longValue() / 1024;
    }

    private static String zones(Map<?, ?> byState) {
        return byState == null || byState.isEmpty() ? "-"
                : byState.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(","));
    }

    /** A command on one node: the cloud API to reach as an operator, and the node's name. */
    abstract static class OneNode implements Callable<Integer> {
        @Mixin
        CloudApiTarget target;

        @Parameters(index = "0", description = "The compute node's name.")
        String name;

        Map<?, ?> post(String query) {
            return Json.read(target.send("POST", node(name) + "?" + query, Map.of()), Map.class);
        }
    }

    @Command(name = "get", description = "One compute node, as in the list, and its machines (id, name, owner, state).")
    static final class Get extends OneNode {
        @Option(names = "--json", description = "Print the node as JSON.")
        boolean json;

        @Override
        public Integer call() {
            Map<?, ?> n = Json.read(target.send("GET", node(name), null), Map.class);
            if (json) {
                System.out.println(Json.writePretty(n));
                return ExitCodes.OK;
            }
            Object[] row = row(n);
            System.out.printf("name:         %s%nhealth:       %s%naddress:      %s (%s)%nmemory:       %s MiB booked/used/total%n"
                            + "disk:         %s GiB booked/total%nvcpus:        %s booked/total%nzones:        %s%nheartbeat:    %s (%s)%n"
                            + "version:      %s%n",
                    row[0], row[1], n.get("address"), n.get("backend"), row[2], row[3], row[4], row[5], row[6], n.get("last_heartbeat"), row[7]);
            System.out.printf("%-36s %-20s %-16s %s%n", "MACHINE", "NAME", "OWNER", "STATE");
            for (Object o : (List<?>) n.get("machines")) {
                Map<?, ?> m = (Map<?, ?>) o;
                System.out.printf("%-36s %-20s %-16s %s%n", m.get("id"), m.get("name"), m.get("owner"), m.get("state"));
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "maintenance", description = "on: no new machines are placed on the node (what runs there keeps running); off: it takes them again.")
    static final class Maintenance extends OneNode {
        @Parameters(index = "1", description = "on or off.")
        String onOff;

        @Override
        public Integer call() {
            if (!List.of("on", "off").contains(onOff)) {
                throw GantryException.invalid("maintenance must be on or off, got '" + onOff + "'");
            }
            boolean on = onOff.equals("on");
            post("action=maintenance&maintenance=" + on);
            System.out.println(on ? "node " + name + " in maintenance: no new machines go there; what runs there keeps running"
                    : "node " + name + " out of maintenance: it takes new machines again");
            return ExitCodes.OK;
        }
    }

    @Command(name = "drain", description = "Maintenance on, then --stop: stop every running machine on the node (oldest first) and "
            + "wait until each is stopped; or --leave-running: leave them as they are.")
    static final class Drain extends OneNode {
        @Option(names = "--stop", description = "Stop every running machine on the node.")
        boolean stop;

        @Option(names = "--leave-running", description = "Leave the running machines running (maintenance only).")
        boolean leaveRunning;

        @Option(names = "--wait", negatable = true, defaultValue = "true", fallbackValue = "true",
                description = "Wait until every machine is stopped (default; --no-wait returns once the stops are queued).")
        boolean await;

        @Option(names = "--timeout", defaultValue = "600", description = "Seconds to wait at most (default ${DEFAULT-VALUE}).")
        int timeoutSeconds;

        @Override
        public Integer call() throws InterruptedException {
            if (stop == leaveRunning) {
                throw GantryException.invalid("say what happens to the node's running machines: --stop or --leave-running (one of them)");
            }
            if (timeoutSeconds <= 0) {
                throw GantryException.invalid("--timeout must be a positive number of seconds, got " + timeoutSeconds);
            }
            Map<?, ?> drained = post("action=drain&stop=" + stop);
            List<String> stopping = ((List<?>) drained.get("stopping")).stream().map(Object::toString).toList();
            if (!stop) {
                System.out.println("node " + name + " in maintenance; its running machines keep running");
                return ExitCodes.OK;
            }
            System.out.println("node " + name + " in maintenance; stopping " + machines(stopping.size()) + " (oldest first)");
            if (!await || stopping.isEmpty()) {
                return ExitCodes.OK;
            }
            return awaitStopped(stopping);
        }

        /** Polls the node until no machine of {@code stopping} is still stopping; progress on each change. */
        private int awaitStopped(List<String> stopping) throws InterruptedException {
            Instant deadline = Instant.now().plusSeconds(timeoutSeconds);
            int shown = -1;
            while (true) {
                Map<String, String> states = new java.util.HashMap<>();
                Map<?, ?> n = Json.read(target.send("GET", node(name), null), Map.class);
                for (Object o : (List<?>) n.get("machines")) {
                    Map<?, ?> m = (Map<?, ?>) o;
                    states.put(m.get("id").toString(), m.get("state").toString());
                }
                int stopped = 0;
                List<String> pending = new ArrayList<>();
                List<String> other = new ArrayList<>();
                for (String id : stopping) {
                    String state = states.getOrDefault(id, "deleted");
                    switch (state) {
                        case "stopped" -> stopped++;
                        case "stopping" -> pending.add(id);
                        default -> other.add(id + " (" + state + ")");
                    }
                }
                if (stopped != shown) {
                    System.out.println("stopped " + stopped + "/" + stopping.size());
                    shown = stopped;
                }
                if (pending.isEmpty()) {
                    if (!other.isEmpty()) {
                        throw GantryException.invalidState(machines(other.size()) + " on node " + name + " did not stop: "
                                + String.join(", ", other));
                    }
                    System.out.println("every machine on node " + name + " is stopped");
                    return ExitCodes.OK;
                }
                if (Instant.now().isAfter(deadline)) {
                    throw new GantryException(ErrorCode.ServiceUnavailable, "timed out after " + timeoutSeconds + " s: " + pending.size()
                            + " of " + stopping.size() + " machines on node " + name + " still stopping; their stop jobs go on"
                            + " (gantry server get " + name + ")");
                }
                Thread.sleep(Duration.ofMillis(500).toMillis());
            }
        }
    }

    private static String machines(int n) {
        return n == 1 ? "1 running machine" : n + " running machines";
    }

    @Command(name = "retire", description = "Never place on the node again; refused while any machine that is not deleted is on it.")
    static final class Retire extends OneNode {
        @Override
        public Integer call() {
            post("action=retire");
            System.out.println("node " + name + " retired: no machine will be placed there again");
            return ExitCodes.OK;
        }
    }

    @Command(name = "forget-machines", description = "A lost node gone for good: mark every machine on it failed (an error names the "
            + "node) so its tenant can delete it and the node can be retired. Refused while the node is alive.")
    static final class ForgetMachines extends OneNode {
        @Option(names = "--yes", description = "Yes, the node is gone for good.")
        boolean yes;

        @Override
        public Integer call() {
            if (!yes) {
                throw GantryException.invalid("forget-machines gives up every machine on node " + name
                        + " for good; add --yes if the node is gone for good");
            }
            Map<?, ?> forgotten = post("action=forget-machines");
            int n = ((List<?>) forgotten.get("failed")).size();
            System.out.println("node " + name + ": " + (n == 1 ? "1 machine" : n + " machines") + " marked failed; their tenants can delete them");
            return ExitCodes.OK;
        }
    }
}
