package io.gantry.common.coord;

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
 * </pre>
 */
public final class ZkPaths {
    public static final String ROOT = "/gantry";
    public static final String NODES = ROOT + "/nodes";
    public static final String PROVISIONER_LEADER = ROOT + "/provisioner/leader";
    public static final String METERING_LEADER = ROOT + "/metering/leader";
    public static final String METERING_ENDPOINTS = ROOT + "/services/metering";

    private ZkPaths() {
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
}
