package io.gantry.platform;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Pattern;

/**
 * One run of the gantry command in this JVM: its exit code and what it printed on stdout and on stderr.
 *
 * <p>The tests' servers (cloud API, agents, provisioners) share this JVM, and slf4j-simple writes to whatever
 * {@code System.err} is when a line is logged, so their log lines land in the captured stderr if they log during
 * the run. {@link #err} leaves out log-formatted lines (and the stack-trace lines under them); they are echoed to
 * the real stderr instead. The real binary's stderr, logging included, is checked by {@code GantryCliTest} and the runbooks, which run it as a process.
 */
record GantryRun(int exit, String out, String err) {
    private static final Pattern LOG_LINE = Pattern.compile("^\\d{2}:\\d{2}:\\d{2}\\.\\d{3} (TRACE|DEBUG|INFO|WARN|ERROR) .*");
    private static final Pattern TRACE_LINE = Pattern.compile("^(\\s+at |\\s+\\.\\.\\. \\d+ more|Caused by: |[a-z][\\w.$]*\\.[A-Z]\\w*(Exception|Error)\\b).*");

    /** Runs gantry with these arguments, System.out and System.err captured for the run and restored after it. */
    static GantryRun of(List<String> args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            exit = GantryCommand.run(args.toArray(String[]::new));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
        return new GantryRun(exit, out.toString(StandardCharsets.UTF_8), withoutServerLogs(err.toString(StandardCharsets.UTF_8), oldErr));
    }

    /** {@code captured} without the servers' log lines, which go to {@code realErr}. */
    static String withoutServerLogs(String captured, PrintStream realErr) {
        StringBuilder kept = new StringBuilder();
        boolean inLogEntry = false;
        for (String line : captured.split("(?<=\n)")) {
            String bare = line.stripTrailing();
            inLogEntry = LOG_LINE.matcher(bare).matches() || (inLogEntry && TRACE_LINE.matcher(bare).matches());
            if (inLogEntry) {
                realErr.print(line);
            } else {
                kept.append(line);
            }
        }
        return kept.toString();
    }
}
