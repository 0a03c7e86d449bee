package io.gantry.platform;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** The {@code gantry} launcher: one sub-command per role, plus the node operator's tools. */
@Command(name = "gantry",
        mixinStandardHelpOptions = true,
        versionProvider = GantryCommand.Version.class,
        description = "Multi-tenant zones on Linux.",
        subcommands = {DevCommand.class, RoleCommands.CloudApiRole.class, RoleCommands.ProvisionerRole.class, RoleCommands.MeteringRole.class, PortalRole.class, ZooKeeperRole.class,
                AgentCommand.class, MeteringCommands.Budget.class, OperatorCommands.Limit.class, AccountCommands.Account.class, AccountCommands.Ops.class, CatalogCommands.Catalog.class, ServerCommands.Server.class, MeteringCommands.Usage.class,
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
        int exit = run(args);
        UntilStopped.closed(); // a command stopped by SIGTERM has closed everything: its shutdown hook may return
        System.exit(exit);
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

    /**
     * --help (and --version) on every command, as the one-line errors' "try '... --help'" promises; a command with a
     * --version option of its own (a package's version, {@code gantry catalog package add}) gets --help alone.
     */
    private static void withHelpOptions(CommandLine cmd, String[] version) {
        CommandLine.Model.CommandSpec spec = cmd.getCommandSpec();
        if (spec.findOption("--version") == null) {
            spec.mixinStandardHelpOptions(true).version(version);
        } else if (spec.findOption("--help") == null) {
            spec.addOption(CommandLine.Model.OptionSpec.builder("-h", "--help").usageHelp(true)
                    .description("Show this help message and exit.").build());
        }
        cmd.getSubcommands().values().forEach(sub -> withHelpOptions(sub, version));
    }

    /** {@code gantry --version}: the version every role reports. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"gantry " + io.gantry.common.GantryVersion.current()};
        }
    }
}
