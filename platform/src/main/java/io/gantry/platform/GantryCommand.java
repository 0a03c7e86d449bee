package io.gantry.platform;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** The {@code gantry} launcher: one sub-command per role, plus the node operator's tools. */
@Command(name = "gantry",
        mixinStandardHelpOptions = true,
        version = "gantry 0.1.0",
        description = "Multi-tenant zones on Linux.",
        subcommands = {DevCommand.class, RoleCommands.CloudApiRole.class, RoleCommands.ProvisionerRole.class, RoleCommands.MeteringRole.class, ZooKeeperRole.class,
                AgentCommand.class, MeteringCommands.Budget.class, OperatorCommands.Limit.class, AccountCommands.Account.class, AccountCommands.Ops.class, MeteringCommands.Usage.class,
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
        CliLogging.configure(args);
        System.exit(run(args));
    }

    public static int run(String... args) {
        CommandLine cli = new CommandLine(new GantryCommand());
        withHelpOptions(cli, cli.getCommandSpec().version());
        cli.setParameterExceptionHandler(ErrorReport::parseError);
        cli.setExecutionExceptionHandler(ErrorReport::executionError);
        cli.setExecutionStrategy(parsed -> {
            PortOptions.check(parsed);
            return new CommandLine.RunLast().execute(parsed);
        });
        return cli.execute(args);
    }

    /** --help (and --version) on every command, as the one-line errors' "try '... --help'" promises. */
    private static void withHelpOptions(CommandLine cmd, String[] version) {
        cmd.getCommandSpec().mixinStandardHelpOptions(true).version(version);
        cmd.getSubcommands().values().forEach(sub -> withHelpOptions(sub, version));
    }
}
