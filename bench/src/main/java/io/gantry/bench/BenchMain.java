package io.gantry.bench;

import java.util.function.Supplier;
import picocli.CommandLine;

/** How a benchmark's {@code main} runs its picocli command, the exit code being the process's. */
public final class BenchMain {
    private static final String LOG_LEVEL = "org.slf4j.simpleLogger.defaultLogLevel";

    private BenchMain() {
    }

    /**
     * Runs the command {@code command} makes with {@code args}, logging at {@code logLevel} unless
     * {@code -Dorg.slf4j.simpleLogger.defaultLogLevel} says otherwise. The command is made after the level is set, so
     * that no logger it creates starts at the default.
     */
    public static void run(Supplier<?> command, String logLevel, String[] args) {
        if (System.getProperty(LOG_LEVEL) == null) {
            System.setProperty(LOG_LEVEL, logLevel);
        }
        System.exit(new CommandLine(command.get()).execute(args));
    }
}
