package io.gantry.runbooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs every runbook of stage {@code debian} (ops-runbooks/*.md) on a {@link DebianStage}, a fresh machine each,
 * block by block, and prints how long each block and runbook took. Skipped with the stage's reason where it
 * cannot run (not root, no Docker to be had, no Debian mirror).
 */
class DebianRunbooksTest {

    @TestFactory
    Stream<DynamicTest> debianRunbooks() throws IOException {
        Path dir = Repository.root().map(r -> r.resolve("ops-runbooks")).orElse(Path.of("").toAbsolutePath());
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.toString().endsWith(".md")).sorted().toList();
        }
        // -Dgantry.runbooks.only=GLOB (e.g. 'zookeeper-*') runs only those, to work on one runbook
        java.nio.file.PathMatcher only = dir.getFileSystem().getPathMatcher("glob:" + System.getProperty("gantry.runbooks.only", "*"));
        List<Runbook> debian = files.stream().map(Runbook::parse).filter(r -> r.stage().equals("debian"))
                .filter(r -> only.matches(r.file().getFileName())).toList();
        assertThat(debian).as("runbooks of stage debian in " + dir).isNotEmpty();
        return debian.stream().map(r -> DynamicTest.dynamicTest(r.file().getFileName().toString(), () -> run(r)));
    }

    private static void run(Runbook runbook) throws IOException {
        Path work = Files.createTempDirectory(Path.of("/var/tmp"), "runbook-" + runbook.file().getFileName().toString().replace(".md", "") + "-");
        try (DebianStage stage = new DebianStage(work)) {
            Optional<String> why = stage.unavailable();
            assumeTrue(why.isEmpty(), () -> "debian stage skipped: " + why.orElse(""));
            long t0 = System.nanoTime();
            stage.environment();
            Duration up = Duration.ofNanos(System.nanoTime() - t0);
            List<BlockRunner.Outcome> outcomes = new BlockRunner(stage, work).run(runbook);
            Duration total = Duration.ofNanos(System.nanoTime() - t0);
            StringBuilder report = new StringBuilder(runbook.file().getFileName() + ": machine up in " + seconds(up) + "\n");
            for (BlockRunner.Outcome o : outcomes) {
                report.append("  block at line ").append(o.block().line()).append(": ").append(seconds(o.took()))
                        .append(" (exit ").append(o.result().exit()).append(")\n");
            }
            report.append(runbook.file().getFileName()).append(": ").append(outcomes.size()).append(" blocks, ").append(seconds(total))
                    .append(" in all");
            System.out.println(report);
            assertThat(outcomes).hasSameSizeAs(runbook.blocks());
        } finally {
            if (!Boolean.getBoolean("gantry.runbooks.keep")) {
                HostCommand.run("rm", "-rf", "--one-file-system", work.toString());
            }
        }
    }

    private static String seconds(Duration d) {
        return String.format("%.1f s", d.toMillis() / 1000.0);
    }
}
