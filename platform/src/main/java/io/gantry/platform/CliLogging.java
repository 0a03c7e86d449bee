package io.gantry.platform;

import java.util.Set;

/**
 * The long-running roles log to stderr as simplelogger.properties says; the operator's one-shot
 * commands (zone, image, budget, ...) log nothing there, so that an expected failure is the one
 * {@code gantry:} line and nothing else. {@code -Dorg.slf4j.simpleLogger.defaultLogLevel=...} still
 * turns their logs on. It must run before the first logger is made, which fixes its level.
 */
final class CliLogging {
    static final Set<String> ROLES = Set.of("dev", "agent", "cloudapi", "provisioner", "metering", "portal");
    private static final String DEFAULT_LEVEL = "org.slf4j.simpleLogger.defaultLogLevel";
    private static final String GANTRY_LEVEL = "org.slf4j.simpleLogger.log.io.gantry";
    /** The launcher's own options that take a value, which may stand before the command. */
    private static final Set<String> GLOBAL_OPTIONS_WITH_VALUE = Set.of("--node", "--state-dir");

    private CliLogging() {
    }

    static void configure(String[] args) {
        if (ROLES.contains(command(args)) || System.getProperty(DEFAULT_LEVEL) != null || System.getProperty(GANTRY_LEVEL) != null) {
            return;
        }
        System.setProperty(DEFAULT_LEVEL, "off");
        System.setProperty(GANTRY_LEVEL, "off");
    }

    /** The sub-command named on the command line, or "" if there is none. */
    static String command(String[] args) {
        for (int i = 0; i < args.length; i++) {
            if (GLOBAL_OPTIONS_WITH_VALUE.contains(args[i])) {
                i++;
            } else if (!args[i].startsWith("-")) {
                return args[i];
            }
        }
        return "";
    }
}
