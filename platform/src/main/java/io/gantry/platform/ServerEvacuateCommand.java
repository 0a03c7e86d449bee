package io.gantry.platform;

import static io.gantry.platform.MeteringCommands.encode;

import io.gantry.common.ErrorCode;
import io.gantry.common.GantryException;
import io.gantry.common.Json;
import io.gantry.common.ZoneSpec;
import io.gantry.platform.OperatorCommands.CloudApiTarget;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code gantry server evacuate NODE [--machine UUID] [--to NODE] [--wait]}: stopped machines moved off a node with
 * their UUID, address, tags, metadata and disk, over the cloud API's operator routes, signed as the other operator
 * commands sign ({@link CloudApiTarget}). Without {@code --machine}, every stopped machine of the node, one after the
 * other; running ones are named and left. With {@code --wait}, each step is printed as the job reaches it.
 */
@Command(name = "evacuate", description = "Move stopped machines off a node to other nodes (same UUID, address, tags, metadata and disk).")
final class ServerEvacuateCommand implements Callable<Integer> {
    private static final Duration POLL = Duration.ofMillis(300);

    @Mixin
    CloudApiTarget target;

    @Parameters(index = "0", description = "The node the machines leave.")
    String node;

    @Option(names = "--machine", description = "Only this machine (its UUID); default: every stopped machine of the node.")
    String machine;

    @Option(names = "--to", description = "The node to move to; default: wherever placement chooses (never the node left).")
    String to;

    @Option(names = "--wait", description = "Wait for each evacuation to end, printing its steps; exit 1 if one failed.")
    boolean await;

    @Option(names = "--timeout", defaultValue = "1800", description = "With --wait, give up waiting on one machine after this many seconds (default ${DEFAULT-VALUE}).")
    long timeoutSeconds;

    @Override
    public Integer call() {
        List<Map<?, ?>> onNode = machinesOn(node);
        List<Map<?, ?>> chosen = new ArrayList<>();
        if (machine != null) {
            String id = ZoneSpec.parseUuid(machine).toString();
            chosen.add(onNode.stream().filter(m -> id.equals(m.get("id"))).findFirst().orElseThrow(() ->
                    GantryException.notFound("machine " + id + " is not on node " + node)));
        } else {
            for (Map<?, ?> m : onNode) {
                if ("stopped".equals(m.get("state"))) {
                    chosen.add(m);
                } else {
                    System.out.println("machine " + m.get("id") + " (" + m.get("name") + ") is " + m.get("state") + ": left on " + node
                            + " (only stopped machines move)");
                }
            }
            if (chosen.isEmpty()) {
                System.out.println("no stopped machine on node " + node);
                return ExitCodes.OK;
            }
        }
        int failed = 0;
        for (Map<?, ?> m : chosen) {
            if (!evacuate(m.get("id").toString(), String.valueOf(m.get("name")))) {
                failed++;
            }
        }
        if (failed > 0) {
            System.err.println("gantry: " + failed + " of " + chosen.size() + " evacuations failed [InvalidState]");
            return ExitCodes.FAILED;
        }
        return ExitCodes.OK;
    }

    private List<Map<?, ?>> machinesOn(String node) {
        List<?> items = Json.read(target.send("GET", "/ops/machines?node=" + encode(node), null), List.class);
        List<Map<?, ?>> out = new ArrayList<>();
        items.forEach(i -> out.add((Map<?, ?>) i));
        return out;
    }

    /** Queues one evacuation and, with --wait, follows it; false if it failed. A refusal of a single machine is thrown. */
    private boolean evacuate(String id, String name) {
        String path = "/ops/machines/" + id + "?action=evacuate" + (to == null ? "" : "&node=" + encode(to));
        Map<?, ?> queued;
        try {
            queued = Json.read(target.send("POST", path, Map.of()), Map.class);
        } catch (GantryException refused) {
            if (machine != null) {
                throw refused;
            }
            System.err.println("gantry: machine " + id + " (" + name + "): " + refused.getMessage() + " [" + refused.code() + "]");
            return false;
        }
        String job = queued.get("job").toString();
        System.out.println("evacuating machine " + id + " (" + name + ") from " + node + (to == null ? "" : " to " + to) + ": job " + job);
        return !await || follow(id, job);
    }

    private boolean follow(String id, String job) {
        Instant deadline = Instant.now().plusSeconds(timeoutSeconds);
        String last = null;
        while (true) {
            Map<?, ?> status = Json.read(target.send("GET", "/ops/jobs/" + job, null), Map.class);
            String state = String.valueOf(status.get("state"));
            String step = Objects.toString(status.get("step"), state);
            String now = "succeeded".equals(state) || "failed".equals(state) ? state : step;
            if (!now.equals(last)) {
                last = now;
                switch (now) {
                    case "succeeded" -> {
                        System.out.println("  done: machine " + id + " is on node " + status.get("target"));
                        return true;
                    }
                    case "failed" -> {
                        System.out.println("  failed: " + status.get("error"));
                        System.err.println("gantry: evacuation of machine " + id + " failed: " + status.get("error") + " [InvalidState]");
                        return false;
                    }
                    default -> System.out.println("  " + describe(now, status));
                }
            }
            if (Instant.now().isAfter(deadline)) {
                throw new GantryException(ErrorCode.InternalError, "evacuation of machine " + id + " still at '" + now + "' after "
                        + timeoutSeconds + " s; follow it with GET /ops/jobs/" + job);
            }
            try {
                Thread.sleep(POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw GantryException.internal("interrupted while waiting for job " + job);
            }
        }
    }

    private static String describe(String step, Map<?, ?> status) {
        return switch (step) {
            case "placing" -> "placing: choosing a node";
            case "export" -> "export: node " + status.get("source") + " offers the disk (to " + status.get("target") + ")";
            case "import" -> "import: node " + status.get("target") + " fetches the disk, checks its sha256 and builds the zone";
            case "delete" -> "delete: the machine is on " + status.get("target") + "; node " + status.get("source") + " removes its copy";
            case "release" -> "release: giving up; node " + status.get("source") + " withdraws the disk";
            default -> step;
        };
    }
}
