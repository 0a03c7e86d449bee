package io.gantry.runbooks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the blocks of one runbook on its stage, one after the other: each as a script file in its own
 * process group and session ({@code setsid}), its output (stdout and stderr together) in a file. A
 * block over its time limit is killed with its whole group; closing kills every group a block left
 * behind (agents a runbook started in the background), SIGTERM first, SIGKILL after a grace period.
 */
final class BlockRunner implements AutoCloseable {
    /** How much of a block's output a result keeps: the end of it. */
    private static final int KEEP_OUTPUT = 64 * 1024;
    private static final Duration GRACE = Duration.ofSeconds(20);

    private final RunbookStage stage;
    private final Path dir;
    private final List<Long> groups = new ArrayList<>();
    private int count;

    /** {@code dir}: where the block scripts, their outputs and the carried state go (the stage must see it). */
    BlockRunner(RunbookStage stage, Path dir) {
        this.stage = stage;
        this.dir = dir;
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    BlockResult run(ShellBlock block, String origin) throws IOException, InterruptedException {
        count++;
        Path script = dir.resolve("block-" + count + ".sh");
        Path output = dir.resolve("block-" + count + ".out");
        Files.writeString(script, BlockScript.of(stage.environment(), origin, block.script()));
        List<String> command = new ArrayList<>(List.of("setsid", "--wait"));
        command.addAll(stage.command(script));
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(output.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        // only the stage says where Gantry and the triton CLI are: nothing of the shell that ran the build leaks in
        pb.environment().keySet().removeIf(k -> k.startsWith("GANTRY_") || k.startsWith("TRITON_"));
        pb.environment().putAll(stage.environment());
        long start = System.nanoTime();
        Process p = pb.start();
        // a child of this JVM is no group leader, so setsid makes the block's shell the leader of a new group: its pid
        groups.add(p.pid());
        boolean done = p.waitFor(block.timeout().toMillis(), TimeUnit.MILLISECONDS);
        if (!done) {
            signal("KILL", p.pid());
            p.waitFor(GRACE.toSeconds(), TimeUnit.SECONDS);
        }
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        return new BlockResult(done ? p.exitValue() : -1, tail(output), !done, took);
    }

    private static String tail(Path output) throws IOException {
        byte[] all = Files.readAllBytes(output);
        if (all.length <= KEEP_OUTPUT) {
            return new String(all, StandardCharsets.UTF_8);
        }
        return "[… " + (all.length - KEEP_OUTPUT) + " bytes before …]\n"
                + new String(all, all.length - KEEP_OUTPUT, KEEP_OUTPUT, StandardCharsets.UTF_8);
    }

    /** Whether a process of the group still runs. */
    static boolean alive(long group) {
        return signal("0", group);
    }

    /** Sends a signal to every process of the group; false if there is none. */
    static boolean signal(String signal, long group) {
        try {
            Process kill = new ProcessBuilder("kill", "-s", signal, "--", "-" + group).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return kill.waitFor() == 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Ends every process the blocks left: SIGTERM to each group still there, SIGKILL to what is left after the grace period. */
    @Override
    public void close() {
        List<Long> left = groups.stream().filter(BlockRunner::alive).toList();
        left.forEach(g -> signal("TERM", g));
        long deadline = System.nanoTime() + GRACE.toNanos();
        while (left.stream().anyMatch(BlockRunner::alive) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        left.stream().filter(BlockRunner::alive).forEach(g -> signal("KILL", g));
    }
}
