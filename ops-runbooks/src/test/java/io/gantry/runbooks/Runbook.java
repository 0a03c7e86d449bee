package io.gantry.runbooks;

import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

/**
 * One runbook as read from its Markdown file: the stage it runs on, its shell blocks in file order,
 * and what is wrong with its form ({@code problems}: it may run only when that is empty).
 */
record Runbook(Path file, String title, String stage, List<ShellBlock> blocks, List<String> problems) {
    /** A command word {@code triton}: at a line's start or after a space, {@code ;}, {@code |}, {@code &}, {@code (} or {@code !}. */
    private static final Pattern TRITON_COMMAND = Pattern.compile("(?m)(^|[\\s;|&(!])triton(\\s|$)");

    Runbook {
        blocks = List.copyOf(blocks);
        problems = List.copyOf(problems);
    }

    /** The file name without {@code .md}. */
    String name() {
        String n = file.getFileName().toString();
        return n.endsWith(".md") ? n.substring(0, n.length() - 3) : n;
    }

    /** Whether some block runs the {@code triton} CLI (such a runbook is skipped where the CLI cannot be had). */
    boolean needsTriton() {
        return blocks.stream().anyMatch(b -> TRITON_COMMAND.matcher(b.script()).find());
    }

    /** {@code file:line}, for messages about one block. */
    String where(ShellBlock block) {
        return file.getFileName() + ":" + block.line();
    }
}
