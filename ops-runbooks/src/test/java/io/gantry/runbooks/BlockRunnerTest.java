package io.gantry.runbooks;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Blocks run on this machine as the runner runs them: bash -euo pipefail, own process group, state carried between blocks. */
class BlockRunnerTest {
    @TempDir
    Path tmp;
    private Path work;
    private BlockRunner runner;

    /** The host stage without the gantry command: what the block runner itself needs. */
    private record LocalStage(Map<String, String> environment) implements RunbookStage {
        @Override
        public void close() {
        }
    }

    @BeforeEach
    void start() throws IOException {
        work = Files.createDirectories(tmp.resolve("work with 'quote'"));
        runner = new BlockRunner(new LocalStage(Map.of("PATH", System.getenv("PATH"), "RUNBOOK_WORK", work.toString(),
                "STAGE_VALUE", "it's \"$quoted\" \\ `text`")), tmp.resolve("blocks"));
    }

    @AfterEach
    void stop() {
        runner.close();
    }

    private BlockResult run(String script) throws Exception {
        return runner.run(new ShellBlock(1, script, 0, Duration.ofSeconds(20), List.of()), "test");
    }

    @Test
    void variablesExportsArraysAndFunctionsCarryToTheNextBlock() throws Exception {
        assertThat(run("""
                plain=one
                export EXPORTED="two words"
                list=(a "b c")
                declare -A map=([k]=v)
                greet() { echo "hello $1"; }
                cd /
                """).exit()).isZero();
        BlockResult next = run("""
                echo "plain=$plain exported=$EXPORTED list=${list[1]} map=${map[k]} pwd=$PWD"
                greet you
                bash -c 'echo "child sees ${EXPORTED:-nothing} and ${plain:-nothing}"'
                """);
        assertThat(next.exit()).as(next.output()).isZero();
        assertThat(next.output()).contains("plain=one exported=two words list=b c map=v pwd=" + work)
                .contains("hello you").contains("child sees two words and nothing");
    }

    @Test
    void theStagesVariablesReachTheBlockExactly() throws Exception {
        BlockResult r = run("printf '%s\\n' \"$STAGE_VALUE\"");
        assertThat(r.output()).isEqualTo("it's \"$quoted\" \\ `text`\n");
    }

    @Test
    void aFailingCommandStopsTheBlockWithItsStatusAndStateIsStillSaved() throws Exception {
        BlockResult r = run("""
                before=kept
                echo to-stderr >&2
                false
                echo never
                """);
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.output()).contains("to-stderr").doesNotContain("never");
        assertThat(run("echo $before").output()).isEqualTo("kept\n");
    }

    @Test
    void pipefailAndUnsetVariablesFail() throws Exception {
        assertThat(run("false | true").exit()).isEqualTo(1);
        BlockResult unset = run("echo $no_such_variable");
        assertThat(unset.exit()).isNotZero();
        assertThat(unset.output()).contains("no_such_variable: unbound variable");
    }

    @Test
    void anExplicitExitStatusIsKept() throws Exception {
        assertThat(run("exit 3").exit()).isEqualTo(3);
    }

    @Test
    void aBlockOverItsTimeLimitIsKilledWithItsChildren() throws Exception {
        Path marker = tmp.resolve("child.pid");
        BlockResult r = runner.run(new ShellBlock(1, "sleep 300 & echo $! > '" + marker + "'\necho started\nsleep 300\n", 0,
                Duration.ofSeconds(2), List.of()), "test");
        assertThat(r.timedOut()).isTrue();
        assertThat(r.output()).contains("started");
        assertThat(r.took()).isLessThan(Duration.ofSeconds(15));
        long child = Long.parseLong(Files.readString(marker).strip());
        awaitGone(child);
    }

    @Test
    void processesABlockLeftInTheBackgroundEndWhenTheRunbookDoes() throws Exception {
        Path marker = tmp.resolve("agent.pid");
        BlockResult r = run("(trap '' HUP; exec sleep 300) >/dev/null 2>&1 &\necho $! > '" + marker + "'\n");
        assertThat(r.exit()).isZero();
        long agent = Long.parseLong(Files.readString(marker).strip());
        assertThat(ProcessHandle.of(agent).map(ProcessHandle::isAlive)).as("still runs after its block").contains(true);
        runner.close();
        awaitGone(agent);
    }

    private static void awaitGone(long pid) throws InterruptedException {
        for (int i = 0; i < 100 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false); i++) {
            Thread.sleep(100);
        }
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).as("process %d gone", pid).isFalse();
    }
}
