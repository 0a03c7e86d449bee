package io.gantry.runbooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;

/** Whole runbooks on the host stage, through the runner's own path: what passes, what fails and how it says so, and coverage. */
class RunbookRunTest {
    private static final String HEAD = """
            # A host runbook
            <!-- runbook: stage=host -->
            ## Purpose
            ## Preconditions
            ## Checks
            ## Rollback
            ## Steps
            """;

    @TempDir
    Path dir;

    private Runbook write(String name, String body) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, HEAD + body);
        return RunbookParser.parse(file);
    }

    @Test
    void aRunbookWhoseBlocksDoWhatTheySayPassesAndEveryBlockRan() throws Exception {
        Runbook r = write("good.md", """
                ```sh
                gantry --help | head -1
                touch made-here
                COUNT=2
                ```
                ```expect
                ^Usage: gantry
                ```
                ```sh exit=3
                [ -f made-here ] && echo "same RUNBOOK_WORK, count $COUNT"
                exit 3
                ```
                ```expect
                ^same RUNBOOK_WORK, count 2$
                ```
                """);
        CoverageLedger ledger = new CoverageLedger();
        RunbookRun.run(r, ledger);
        assertThat(ledger.faults(List.of(r.file()))).isEmpty();
        assertThat(ledger.summary()).singleElement().asString().contains("2/2  blocks ran");
    }

    @Test
    void aMissingExpectLineFailsNamingTheBlockItsOutputAndTheLineAndLaterBlocksDoNotRun() throws Exception {
        Runbook r = write("bad.md", """
                ```sh
                echo one
                echo two
                ```
                ```expect
                two
                one
                ```
                ```sh
                echo never run
                ```
                """);
        CoverageLedger ledger = new CoverageLedger();
        assertThatThrownBy(() -> RunbookRun.run(r, ledger)).isInstanceOf(AssertionFailedError.class)
                .hasMessageStartingWith("bad.md:8: the block printed no line matching the expect line 'one' (expect lines are found in order)")
                .hasMessageContaining("---- block\necho one\necho two\n---- output\none\ntwo\n")
                .hasMessageContaining("---- expect\ntwo\none\n");
        assertThat(ledger.faults(List.of(r.file()))).containsExactly("bad.md: 1 of 2 sh blocks did not run, from line 16");
    }

    @Test
    void aWrongExitStatusFails() throws Exception {
        Runbook r = write("exit.md", "```sh exit=2\nfalse\n```\n");
        assertThatThrownBy(() -> RunbookRun.run(r, new CoverageLedger())).hasMessageStartingWith("exit.md:8: the block exited 1, expected 2");
    }

    @Test
    void aBlockOverItsTimeLimitFailsWithItsOutputSoFar() throws Exception {
        Runbook r = write("slow.md", "```sh timeout=1\necho before\nsleep 30\n```\n");
        assertThatThrownBy(() -> RunbookRun.run(r, new CoverageLedger()))
                .hasMessageStartingWith("slow.md:8: the block did not end within its time limit of 1 s").hasMessageContaining("before");
    }

    @Test
    void aRunbookOfTheWrongFormFailsBeforeAnythingRuns() throws Exception {
        Runbook r = write("form.md", "```bash\ntouch should-not-exist\n```\n");
        CoverageLedger ledger = new CoverageLedger();
        assertThatThrownBy(() -> RunbookRun.run(r, ledger)).hasMessageContaining("a fence of language 'bash'");
        assertThat(ledger.faults(List.of(r.file()))).singleElement().asString().startsWith("form.md: its form is wrong");
    }

    @Test
    void aFileTheRunnerNeverReadIsACoverageFault() {
        assertThat(new CoverageLedger().faults(List.of(dir.resolve("new.md")))).containsExactly("new.md: the runner did not read it");
    }
}
