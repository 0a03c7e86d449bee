package io.gantry.common.coord;

import java.util.Optional;
import java.util.UUID;

/**
 * Where things live in ZooKeeper. Everything here can be rebuilt from PostgreSQL and the agents'
 * reports; nothing lives only in ZooKeeper.
 *
 * <pre>
 * /gantry/nodes/&lt;node&gt;/alive          ephemeral: the agent's {@link NodeAdvert} while its session lives
 * /gantry/nodes/&lt;node&gt;/report         persistent: the agent's {@link NodeReport}, what really runs there
 * /gantry/nodes/&lt;node&gt;/tasks/&lt;id&gt;     persistent: a {@link NodeTask} for the agent
 * /gantry/nodes/&lt;node&gt;/results/&lt;id&gt;   persistent: the agent's {@link TaskResult} for that task
 * /gantry/provisioner/leader          the provisioners' leader latch
 * /gantry/metering/leader             the metering instances' leader latch (roll-up and budgets)
 * /gantry/services/metering/&lt;id&gt;     ephemeral: a metering instance's base URL, where agents send usage
 * /gantry/netviews/&lt;account&gt;       persistent: the account's network view, written by the provisioner leader
 * /gantry/metadata/&lt;machine&gt;        persistent: the machine's {@link ZoneMetadata}, written by the provisioner leader
 * /gantry/metadata-puts/&lt;machine&gt;/put-&lt;seq&gt;  persistent sequential: a {@link MetadataPut} from inside the zone,
 *                                     written by its agent, applied to PostgreSQL and removed by the provisioner leader
 * /gantry/services/imagestore/&lt;id&gt;   ephemeral: an image store's base URL, where nodes fetch and upload image files
 * /gantry/services/liveness/&lt;id&gt;     ephemeral: a provisioner's UDP {@code host:port}, where agents send their {@link NodeBeat}s
 * </pre>
 */
public final class ZkPaths {
    public static final String ROOT = "/gantry";
    public static final String NODES = ROOT + "/nodes";
    public static final String PROVISIONER_LEADER = ROOT + "/provisioner/leader";
    public static final String METERING_LEADER = ROOT + "/metering/leader";
    public static final String METERING_ENDPOINTS = ROOT + "/services/metering";
    /** Each tenant's network view ({@code io.gantry.common.net.TenantNetView}), one znode per account. */
    public static final String NETVIEWS = ROOT + "/netviews";
    /** Each machine's metadata as its zone sees it ({@link ZoneMetadata}), one znode per machine. */
    public static final String METADATA = ROOT + "/metadata";
    /** Changes made inside zones ({@code mdata-put}, {@code mdata-delete}) on their way to PostgreSQL ({@link MetadataPut}). */
    public static final String METADATA_PUTS = ROOT + "/metadata-puts";
    /** Ephemeral: the image stores' base URLs (one child per store instance, its data the URL as UTF-8 text). */
    public static final String IMAGE_STORES = ROOT + "/services/imagestore";
    /** Ephemeral: every provisioner's beat address ({@code host:port} as UTF-8 text), one child per provisioner. */
    public static final String LIVENESS = ROOT + "/services/liveness";

    private ZkPaths() {
    }

    public static String netview(java.util.UUID account) {
        return NETVIEWS + "/" + account;
    }

    public static String metadata(UUID machine) {
        return METADATA + "/" + machine;
    }

    public static String metadataPuts(UUID machine) {
        return METADATA_PUTS + "/" + machine;
    }

    public static String node(String node) {
        return NODES + "/" + node;
    }

    public static String alive(String node) {
        return node(node) + "/alive";
    }

    public static String report(String node) {
        return node(node) + "/report";
    }

    public static String tasks(String node) {
        return node(node) + "/tasks";
    }

    public static String task(String node, String taskId) {
        return tasks(node) + "/" + taskId;
    }

    public static String results(String node) {
        return node(node) + "/results";
    }

    public static String result(String node, String taskId) {
        return results(node) + "/" + taskId;
    }

    /** What a znode under {@link #NODES} is: a node's advert or report, or one of its tasks or results. */
    public record NodePath(String node, Kind kind, String entry) {
        public enum Kind { ALIVE, REPORT, TASK, RESULT }

        /** The job a task or result belongs to; empty for an advert or report, or an entry not named by a job id. */
        public Optional<UUID> job() {
            if (entry == null) {
                return Optional.empty();
            }
            try {
                return Optional.of(UUID.fromString(entry));
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
        }
    }

    /**
     * Reads a path of the nodes' subtree: {@code /gantry/nodes/cn1/alive} is cn1's advert,
     * {@code /gantry/nodes/cn1/results/<id>} one of its results. Empty for anything else (the subtree's
     * root, a node's own znode, its {@code tasks} and {@code results} folders, names this layout does not know).
     */
    public static Optional<NodePath> parseNodePath(String path) {
        if (path == null || !path.startsWith(NODES + "/")) {
            return Optional.empty();
        }
        String[] parts = path.substring(NODES.length() + 1).split("/", -1);
        for (String part : parts) {
            if (part.isEmpty()) {
                return Optional.empty();
            }
        }
        String node = parts[0];
        if (parts.length == 2) {
            return switch (parts[1]) {
                case "alive" -> Optional.of(new NodePath(node, NodePath.Kind.ALIVE, null));
                case "report" -> Optional.of(new NodePath(node, NodePath.Kind.REPORT, null));
                default -> Optional.empty();
            };
        }
        if (parts.length == 3) {
            return switch (parts[1]) {
                case "tasks" -> Optional.of(new NodePath(node, NodePath.Kind.TASK, parts[2]));
                case "results" -> Optional.of(new NodePath(node, NodePath.Kind.RESULT, parts[2]));
                default -> Optional.empty();
            };
        }
        return Optional.empty();
    }
}
