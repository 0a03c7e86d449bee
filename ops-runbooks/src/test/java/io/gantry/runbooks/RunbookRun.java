package io.gantry.runbooks;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.opentest4j.AssertionFailedError;

/**
 * One runbook run as the runner runs it: its form checked, its stage opened in a fresh work
 * directory, its blocks run in order until one fails (an AssertionFailedError naming the block, its
 * script, its output, and for the dev stage the end of gantry dev's log), then everything stopped and
 * removed. A runbook that cannot run here (no root or runc, no triton CLI) is skipped with the reason.
 */
final class RunbookRun {
    /** Lines of gantry dev's log shown with a failed block. */
    private static final int DEV_LOG_LINES = 60;

    private RunbookRun() {
    }

    static void run(Runbook runbook, CoverageLedger ledger) throws Exception {
        Path file = runbook.file();
        ledger.found(runbook);
        assertThat(runbook.problems()).as("the form of %s (see ops-runbooks/README.md)", file.getFileName()).isEmpty();
        if (runbook.needsTriton() && TritonCli.bin().isEmpty()) {
            skip(ledger, file, TritonCli.MISSING);
        }
        long start = System.nanoTime();
        Path work = Files.createTempDirectory("gantry-runbook-" + runbook.name() + "-");
        try (RunbookStage stage = RunbookStages.open(runbook.stage(), work)) {
            Optional<String> why = stage.unavailable();
            if (why.isPresent()) {
                skip(ledger, file, why.get());
            }
            System.out.printf("%s: stage %s ready after %.1f s%n", file.getFileName(), runbook.stage(), (System.nanoTime() - start) / 1e9);
            try (BlockRunner blocks = new BlockRunner(stage, work.resolve("blocks"))) {
                for (ShellBlock block : runbook.blocks()) {
                    BlockResult result = blocks.run(block, runbook.where(block));
                    ledger.ran(file);
                    System.out.printf("==== %s (%s, exit %d, %.1f s)%n%s%n", runbook.where(block),
                            block.exit() == 0 ? "sh" : "sh exit=" + block.exit(), result.exit(), result.took().toMillis() / 1000.0, result.output());
                    Optional<String> fault = BlockVerdict.fault(block, result);
                    if (fault.isPresent()) {
                        throw new AssertionFailedError(report(runbook, block, result, fault.get(), stage));
                    }
                }
            }
        } finally {
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            ledger.took(file, took);
            System.out.printf("%s: %.1f s%n", file.getFileName(), took.toMillis() / 1000.0);
            remove(work);
        }
    }

    private static String report(Runbook runbook, ShellBlock block, BlockResult result, String fault, RunbookStage stage) {
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
        return m.toString();
    }

    private static void skip(CoverageLedger ledger, Path file, String why) {
        ledger.skipped(file, why);
        Assumptions.abort(file.getFileName() + " skipped: " + why);
    }

    private static void remove(Path work) throws IOException, InterruptedException {
        // --one-file-system: never into a mount a runbook may have left under its work directory
        new ProcessBuilder("rm", "-rf", "--one-file-system", work.toString()).inheritIO().start().waitFor();
    }
}
