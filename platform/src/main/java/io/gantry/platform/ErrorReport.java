package io.gantry.platform;

import io.gantry.common.ErrorCode;
import io.gantry.common.GantryException;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/**
 * Every error of the gantry command is one line on stderr, {@code gantry: <message> [<Code>]},
 * and the exit code documented in docs/cli.md; never a usage text or a stack trace.
 */
final class ErrorReport {
    private ErrorReport() {
    }

    /** A command line picocli cannot parse: exit 2, with where to find the usage. */
    static int parseError(ParameterException e, String[] args) {
        CommandLine cmd = e.getCommandLine();
        String message = oneLine(e.getMessage());
        ErrorCode code = e instanceof CommandLine.MissingParameterException || message.startsWith("Missing required")
                ? ErrorCode.MissingParameter : ErrorCode.InvalidArgument;
        if (e instanceof CommandLine.UnmatchedArgumentException unmatched) {
            message = unmatched(unmatched);
        } else if (message.startsWith("Missing required subcommand")) {
            message = "Missing command: one of " + String.join(", ", cmd.getSubcommands().keySet());
        }
        cmd.getErr().println("gantry: " + message + " (try '" + cmd.getCommandSpec().qualifiedName() + " --help') [" + code + "]");
        return ExitCodes.USAGE;
    }

    /** picocli's own words count the launcher's options too ("at index 4"); these name only what is wrong. */
    private static String unmatched(CommandLine.UnmatchedArgumentException e) {
        String message = oneLine(e.getMessage());
        if (!e.isUnknownOption()) {
            java.util.List<String> args = e.getUnmatched();
            boolean command = !e.getCommandLine().getSubcommands().isEmpty() && args.size() == 1;
            message = (command ? "Unknown command: " : args.size() == 1 ? "Unexpected argument: " : "Unexpected arguments: ")
                    + String.join(", ", args.stream().map(a -> "'" + a + "'").toList());
        }
        if (!e.getSuggestions().isEmpty()) {
            message += "; did you mean " + String.join(" or ", e.getSuggestions()) + "?";
        }
        return message;
    }

    /** A command that failed: its code decides the exit; anything unexpected is a failure (exit 1). */
    static int executionError(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
        if (e instanceof GantryException ge) {
            cmd.getErr().println("gantry: " + oneLine(ge.getMessage()) + " [" + ge.code() + "]");
            return ExitCodes.forError(ge.code());
        }
        Throwable cause = e;
        while (cause.getCause() != null && (cause.getMessage() == null || cause instanceof java.io.UncheckedIOException)) {
            cause = cause.getCause();
        }
        // another library's message may run to a page (Flyway's does): its first line says what went wrong
        String first = cause.getMessage() == null ? "" : ": " + cause.getMessage().strip().lines().findFirst().orElse("");
        cmd.getErr().println("gantry: " + cause.getClass().getSimpleName() + first + " [" + ErrorCode.InternalError + "]");
        return ExitCodes.FAILED;
    }

    /** Joins a message that spans lines (a tool's stderr, say) into one. */
    static String oneLine(String message) {
        return message == null ? "" : message.strip().replaceAll("\\s*\\R\\s*", "; ");
    }
}
