package io.gantry.runbooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The runner: every runbook of ops-runbooks/ run as written, one dynamic test each (named by the
 * file; a failure names the block's line, its output and what was expected), each on a stage of its
 * own (a fresh `gantry dev` per dev runbook: runbooks stop roles, change operator keys and restore
 * the database, so none may share one). Then the coverage check: every sh block of every file ran,
 * unless its runbook was skipped for a stated reason (no root or runc; no triton CLI).
 *
 * <p>{@code -Drunbooks.lanes=2} runs the {@code debian} runbooks (a container of their own: own network, own zones)
 * one after another in a second lane beside the others, which saves about two minutes on two cores. It is not the
 * default: on two cores the contention slowed both lanes enough to expose waits that were too short (a ZooKeeper
 * member polled before it served) and a race in a role's clean stop, each fixed since, but one lane is what the
 * runbooks' timings were written against.
 */
class RunbookRunnerTest {
    private static final CoverageLedger LEDGER = new CoverageLedger();

    @TestFactory
    Stream<DynamicTest> everyRunbookRunsAsWritten() {
        List<Path> files = Runbooks.files(Repo.runbooks()).stream().filter(RunbookRunnerTest::chosen).toList();
        Map<Path, CompletableFuture<Void>> inSecondLane = startSecondLane(files);
        Stream<DynamicTest> runs = files.stream().map(f -> dynamicTest(f.getFileName().toString(), f.toUri(),
                () -> {
                    CompletableFuture<Void> started = inSecondLane.get(f);
                    if (started == null) {
                        run(f);
                    } else {
                        awaitLane(started);
                    }
                }));
        return Stream.concat(runs, Stream.of(dynamicTest("every sh block of every runbook ran", () -> coverage(files))));
    }

    private static Map<Path, CompletableFuture<Void>> startSecondLane(List<Path> files) {
        Map<Path, CompletableFuture<Void>> lane = new LinkedHashMap<>();
        if (!"2".equals(System.getProperty("runbooks.lanes", "1"))) {
            return lane;
        }
        ExecutorService debianLane = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "runbooks-debian-lane");
            t.setDaemon(true);
            return t;
        });
        for (Path f : files) {
            if (isDebian(f)) {
                lane.put(f, CompletableFuture.runAsync(() -> {
                    try {
                        run(f);
                    } catch (RuntimeException | Error e) {
                        throw e;
                    } catch (Exception e) {
                        throw new CompletionException(e);
                    }
                }, debianLane));
            }
        }
        debianLane.shutdown();
        return lane;
    }

    private static boolean isDebian(Path file) {
        try {
            return "debian".equals(RunbookParser.parse(file, Files.readString(file)).stage());
        } catch (Exception e) {
            return false; // its own test reports what is wrong with it
        }
    }

    /** Rethrows what the runbook threw in the other lane, so a failure or a skip shows on its own test. */
    private static void awaitLane(CompletableFuture<Void> run) throws Throwable {
        try {
            run.join();
        } catch (CompletionException e) {
            Throwable cause = e.getCause();
            throw cause instanceof CompletionException inner && inner.getCause() != null ? inner.getCause() : cause;
        }
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
