package io.gantry.runbooks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Runs one runbook's blocks in order on a stage, as the runbook format says: each with bash -euo pipefail
 * in $RUNBOOK_WORK, shell variables carried from block to block (saved after each block in
 * {@code $RUNBOOK_WORK/.runbook/vars}), each block's exit status and expected lines checked.
 */
final class BlockRunner {
    /** Variables bash sets itself, or that belong to one shell only: never carried over. */
    private static final String OWN_VARIABLES = "BASH*|EUID|PPID|SHELLOPTS|UID|PWD|OLDPWD|SHLVL|_|FUNCNAME|GROUPS|DIRSTACK|PIPESTATUS"
            + "|HOSTNAME|HOSTTYPE|MACHTYPE|OSTYPE|IFS|OPTERR|OPTIND|PS4|COLUMNS|LINES|RANDOM|SECONDS|LINENO|HISTCMD|SRANDOM|EPOCH*";

    private final RunbookStage stage;
    private final Path work;

    BlockRunner(RunbookStage stage, Path work) {
        this.stage = stage;
        this.work = work;
    }

    /** One block's outcome: what it printed, how it ended, and how long it took. */
    record Outcome(Runbook.Block block, HostCommand result, Duration took) {
    }

    List<Outcome> run(Runbook runbook) {
        List<Outcome> outcomes = new ArrayList<>();
        Path dir = work.resolve(".runbook");
        try {
            Files.createDirectories(dir);
            int n = 0;
            for (Runbook.Block block : runbook.blocks()) {
                Path script = dir.resolve("block-" + (++n) + ".sh");
                Files.writeString(script, wrap(block.script(), dir.resolve("vars")), StandardCharsets.UTF_8);
                long t0 = System.nanoTime();
                HostCommand result = HostCommand.run(Duration.ofSeconds(block.timeoutSeconds()), stage.command(script));
                Outcome outcome = new Outcome(block, result, Duration.ofNanos(System.nanoTime() - t0));
                outcomes.add(outcome);
                System.out.printf("%s:%d: %.1f s, exit %d%n", runbook.file().getFileName(), block.line(),
                        outcome.took().toMillis() / 1000.0, result.exit());
                check(runbook, outcome);
            }
            return outcomes;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String wrap(String body, Path vars) {
        return "cd \"$RUNBOOK_WORK\"\n"
                + "if [ -f '" + vars + "' ]; then . '" + vars + "'; fi\n"
                + "__runbook_save() { local v f; for v in $(compgen -v); do case $v in " + OWN_VARIABLES + ") continue ;; esac;"
                + " f=$(declare -p \"$v\" 2>/dev/null) || continue; f=${f#declare -}; case ${f%% *} in *r*) continue ;; esac;"
                + " printf 'declare -g -%s\\n' \"$f\"; done > '" + vars + ".new' && mv '" + vars + ".new' '" + vars + "'; }\n"
                + "trap __runbook_save EXIT\n"
                + body;
    }

    private static void check(Runbook runbook, Outcome o) {
        String where = runbook.file().getFileName() + ":" + o.block().line();
        String output = o.result().output();
        if (o.result().exit() != o.block().exit()) {
            throw new AssertionError(where + ": the block exited " + o.result().exit() + ", expected " + o.block().exit()
                    + "\n--- its block:\n" + o.block().script() + "--- its output:\n" + output);
        }
        String[] lines = output.split("\n", -1);
        int from = 0;
        for (String expected : o.block().expect()) {
            Pattern p = Pattern.compile(expected);
            int found = -1;
            for (int i = from; i < lines.length; i++) {
                if (p.matcher(lines[i]).find()) {
                    found = i;
                    break;
                }
            }
            if (found < 0) {
                throw new AssertionError(where + ": expected a line matching /" + expected + "/ (after the lines already matched)"
                        + "\n--- its block:\n" + o.block().script() + "--- its output:\n" + output);
            }
            from = found + 1;
        }
    }
}
