package io.gantry.platform;

import io.gantry.agent.runc.RuncZoneBackend;
import io.gantry.common.GantryException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "node", description = "This compute node as a whole.", subcommands = NodeCommand.Destroy.class)
final class NodeCommand {
    @ParentCommand
    GantryCommand root;

    @Command(name = "destroy",
            description = "Delete every zone of this node, then its network namespace, cgroup parent and runc state."
                    + " Images and the state directory stay.")
    static final class Destroy implements Callable<Integer> {
        @ParentCommand
        NodeCommand parent;

        @Option(names = "--yes", description = "Really destroy every zone of the node.")
        boolean yes;

        @Override
        public Integer call() {
            if (!yes) {
                throw GantryException.invalid("this deletes every zone of node '" + parent.root.node + "'; add --yes to go ahead");
            }
            try (RuncZoneBackend backend = Node.open(parent.root)) {
                int zones = backend.list().size();
                backend.destroyNode();
                System.out.println("node " + parent.root.node + ": deleted " + zones + " zones and the node's network namespace,"
                        + " cgroups and runc state");
            }
            return ExitCodes.OK;
        }
    }
}
