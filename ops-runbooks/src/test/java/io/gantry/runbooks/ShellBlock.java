package io.gantry.runbooks;

import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/**
 * One {@code ```sh} block of a runbook: its script, the line its fence opens on, the exit status it
 * must end with, its time limit, and the patterns of the {@code ```expect} block after it (none if
 * there is no such block).
 */
record ShellBlock(int line, String script, int exit, Duration timeout, List<Pattern> expect) {
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(120);

    ShellBlock {
        expect = List.copyOf(expect);
    }
}
