package io.gantry.platform;

import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Every {@code --*-port} option of the command being run holds a TCP port (0-65535; -1 means
 * "none" for {@code --metrics-port}), checked before the command starts anything, so that a bad
 * one is a usage error (exit 2) and not a failure half-way through start-up.
 */
final class PortOptions {
    private PortOptions() {
    }

    static void check(CommandLine.ParseResult parsed) {
        CommandLine.ParseResult last = parsed;
        while (last.hasSubcommand()) {
            last = last.subcommand();
        }
        for (OptionSpec option : last.commandSpec().options()) {
            if (!option.longestName().endsWith("-port") || !(option.getValue() instanceof Integer port)) {
                continue;
            }
            boolean none = port == -1 && option.longestName().equals("--metrics-port");
            if (!none && (port < 0 || port > 65535)) {
                throw new CommandLine.ParameterException(last.commandSpec().commandLine(),
                        "Invalid value for option '" + option.longestName() + "': " + port + " is not a TCP port (0-65535)");
            }
        }
    }
}
