package io.gantry.runbooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.opentest4j.AssertionFailedError;

/**
 * The runner: every runbook of ops-runbooks/ run as written, one dynamic test each (named by the
 * file; a failure names the block's line, its output and what was expected), each on a stage of its
 * own (a fresh `gantry dev` per dev runbook: runbooks stop roles, change operator keys and restore
 * the database, so none may share one). Then the coverage check: every sh block of every file ran,
 * unless its runbook was skipped for a stated reason (no root or runc; no triton CLI).
 */
class RunbookRunnerTest {
    private static final CoverageLedger LEDGER = new CoverageLedger();
    /** Lines of gantry dev's log shown with a failed block. */
    private static final int DEV_LOG_LINES = 60;

    @TestFactory
    Stream<DynamicTest> everyRunbookRunsAsWritten() {
        List<Path> files = Runbooks.files(Repo.runbooks()).stream().filter(RunbookRunnerTest::chosen).toList();
        Stream<DynamicTest> runs = files.stream().map(f -> dynamicTest(f.getFileName().toString(), f.toUri(), () -> run(f)));
        return Stream.concat(runs, Stream.of(dynamicTest("every sh block of every runbook ran", () -> coverage(files))));
    }

    /** {@code -Drunbooks=a,b}: only those runbooks (names without .md), to work on one; the default is all of them. */
    private static boolean chosen(Path file) {
        String only = System.getProperty("runbooks", "");
        return only.isBlank() || java.util.Arrays.stream(only.split(",")).map(String::strip)
                .anyMatch(n -> file.getFileName().toString().equals(n.endsWith(".md") ? n : n + ".md"));
    }

    private static void coverage(List<Path> files) {
        System.out.println("runbooks:\n  " + String.join("\n  ", LEDGER.summary()));
        assertThat(LEDGER.faults(files)).as("runbooks whose sh blocks did not all run").isEmpty();
    }

    private static void run(Path file) throws Exception {
        String text = Files.readString(file);
        if (Runbooks.isIndex(file) && !Runbooks.hasFences(text)) {
            LEDGER.nothingToRun(file);
            return;
        }
        Runbook runbook = RunbookParser.parse(file, text);
        LEDGER.found(runbook);
        assertThat(runbook.problems()).as("the form of %s (see ops-runbooks/README.md)", file.getFileName()).isEmpty();
        if (runbook.needsTriton() && TritonCli.bin().isEmpty()) {
            skip(file, TritonCli.MISSING);
        }
        long start = System.nanoTime();
        Path work = Files.createTempDirectory("gantry-runbook-" + runbook.name() + "-");
        try (RunbookStage stage = RunbookStages.open(runbook.stage(), work)) {
            Optional<String> why = stage.unavailable();
            if (why.isPresent()) {
                skip(file, why.get());
            }
            System.out.printf("%s: stage %s ready after %.1f s%n", file.getFileName(), runbook.stage(), (System.nanoTime() - start) / 1e9);
            try (BlockRunner blocks = new BlockRunner(stage, work.resolve("blocks"))) {
                for (ShellBlock block : runbook.blocks()) {
                    BlockResult result = blocks.run(block, runbook.where(block));
                    LEDGER.ran(file);
                    System.out.printf("==== %s (%s, exit %d, %.1f s)%n%s%n", runbook.where(block), block.exit() == 0 ? "sh" : "sh exit=" + block.exit(),
                            result.exit(), result.took().toMillis() / 1000.0, result.output());
                    check(runbook, block, result, stage);
                }
            }
        } finally {
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            LEDGER.took(file, took);
            System.out.printf("%s: %.1f s%n", file.getFileName(), took.toMillis() / 1000.0);
            remove(work);
        }
    }

    private static void check(Runbook runbook, ShellBlock block, BlockResult result, RunbookStage stage) {
        String fault = null;
        if (result.timedOut()) {
            fault = "did not end within its time limit of " + block.timeout().toSeconds() + " s (sh timeout=N raises it); killed";
        } else if (result.exit() != block.exit()) {
            fault = "exited " + result.exit() + ", expected " + block.exit();
        } else {
            Optional<Pattern> missing = Expectations.firstMissing(block.expect(), result.output());
            if (missing.isPresent()) {
                fault = "printed no line matching the expect line '" + missing.get().pattern() + "' (expect lines are found in order)";
            }
        }
        if (fault != null) {
            StringBuilder m = new StringBuilder(runbook.where(block)).append(": the block ").append(fault)
                    .append(String.format(" after %.1f s%n---- block%n", result.took().toMillis() / 1000.0)).append(block.script())
                    .append("---- output\n").append(result.output());
            if (!block.expect().isEmpty()) {
                m.append("\n---- expect\n");
                block.expect().forEach(p -> m.append(p.pattern()).append('\n'));
            }
            if (stage instanceof DevStage dev) {
                List<String> log = dev.log().lines().toList();
                m.append("\n---- gantry dev's log (last lines)\n")
                        .append(String.join("\n", log.subList(Math.max(0, log.size() - DEV_LOG_LINES), log.size())));
            }
            throw new AssertionFailedError(m.toString());
        }
    }

    private static void skip(Path file, String why) {
        LEDGER.skipped(file, why);
        Assumptions.abort(file.getFileName() + " skipped: " + why);
    }

    private static void remove(Path work) throws IOException, InterruptedException {
        // --one-file-system: never into a mount a runbook may have left under its work directory
        new ProcessBuilder("rm", "-rf", "--one-file-system", work.toString()).inheritIO().start().waitFor();
    }
}
