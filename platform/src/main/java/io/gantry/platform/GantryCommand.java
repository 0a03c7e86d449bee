package io.gantry.platform;

import io.gantry.common.GantryException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** The {@code gantry} launcher: one sub-command per role, plus the node operator's tools. */
@Command(name = "gantry",
        mixinStandardHelpOptions = true,
        version = "gantry 0.1.0",
        description = "Multi-tenant zones on Linux.",
        subcommands = {DevCommand.class, RoleCommands.CloudApiRole.class, RoleCommands.ProvisionerRole.class, RoleCommands.MeteringRole.class,
                AgentCommand.class, MeteringCommands.Budget.class, MeteringCommands.Limit.class, MeteringCommands.Usage.class,
                ProbeCommand.class, ImageCommand.class, ZoneCommand.class, NodeCommand.class, CommandLine.HelpCommand.class})
public final class GantryCommand {

    @Option(names = "--node", scope = ScopeType.INHERIT, defaultValue = "${env:GANTRY_NODE:-local}",
            description = "This compute node's name (default: ${DEFAULT-VALUE}; env GANTRY_NODE).")
    String node;

    @Option(names = "--state-dir", scope = ScopeType.INHERIT, defaultValue = "${env:GANTRY_STATE_DIR}",
            description = "Where the node keeps images and zones (default: /var/lib/gantry/<node>; env GANTRY_STATE_DIR).")
    java.nio.file.Path stateDir;

    public static void main(String[] args) {
        // Hibernate logs through JBoss Logging, which would otherwise write to java.util.logging
        System.setProperty("org.jboss.logging.provider", "slf4j");
        System.exit(run(args));
    }

    public static int run(String... args) {
        CommandLine cli = new CommandLine(new GantryCommand());
        cli.setExecutionExceptionHandler(GantryCommand::reportError);
        return cli.execute(args);
    }

    /** Errors are one line on stderr and a non-zero exit; never a stack trace. */
    private static int reportError(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
        PrintWriter err = cmd.getErr();
        if (e instanceof GantryException ge) {
            err.println("gantry: " + ge.getMessage() + " [" + ge.code() + "]");
            return ExitCodes.forError(ge.code());
        }
        err.println("gantry: " + e.getClass().getSimpleName() + ": " + e.getMessage());
        return 1;
    }
}
