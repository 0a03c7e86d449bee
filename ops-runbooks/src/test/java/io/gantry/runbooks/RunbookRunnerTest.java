package io.gantry.runbooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The runner: every runbook of ops-runbooks/ run as written, one dynamic test each (named by the
 * file; a failure names the block's line, its output and what was expected), each on a stage of its
 * own (a fresh `gantry dev` per dev runbook: runbooks stop roles, change operator keys and restore
 * the database, so none may share one). Then the coverage check: every sh block of every file ran,
 * unless its runbook was skipped for a stated reason (no root or runc; no triton CLI).
 */
class RunbookRunnerTest {
    private static final CoverageLedger LEDGER = new CoverageLedger();

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
        RunbookRun.run(RunbookParser.parse(file, text), LEDGER);
    }
}
