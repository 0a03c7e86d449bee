package io.gantry.runbooks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One runbook as /work/runbook-format.md fixes it: its stage, its five sections, and its blocks in order
 * ({@code sh}, {@code sh exit=N}, {@code sh timeout=S}, each with the {@code expect} block that follows it).
 * Any other fence is refused, so no command can hide from the tests.
 */
record Runbook(Path file, String stage, List<Block> blocks) {
    static final List<String> SECTIONS = List.of("Purpose", "Preconditions", "Steps", "Checks", "Rollback");
    private static final Pattern STAGE = Pattern.compile("<!-- runbook: stage=([a-z]+) -->");
    private static final Pattern SH = Pattern.compile("sh((?: +(?:exit|timeout)=\\d+)*)");
    private static final Pattern OPTION = Pattern.compile("(exit|timeout)=(\\d+)");

    record Block(int line, String script, int exit, int timeoutSeconds, List<String> expect) {
    }

    static Runbook parse(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String where = file.getFileName().toString();
        if (lines.size() < 2 || !lines.get(0).startsWith("# ")) {
            throw new IllegalArgumentException(where + ": the first line must be the '# Title'");
        }
        Matcher stage = STAGE.matcher(lines.get(1).strip());
        if (!stage.matches()) {
            throw new IllegalArgumentException(where + ": the second line must be <!-- runbook: stage=... -->");
        }
        for (String section : SECTIONS) {
            if (lines.stream().noneMatch(l -> l.strip().equals("## " + section))) {
                throw new IllegalArgumentException(where + ": no '## " + section + "' section");
            }
        }
        List<Block> blocks = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i);
            if (!l.startsWith("```")) {
                continue;
            }
            String info = l.substring(3).strip();
            int start = i + 1;
            int end = start;
            while (end < lines.size() && !lines.get(end).startsWith("```")) {
                end++;
            }
            if (end == lines.size()) {
                throw new IllegalArgumentException(where + ":" + (i + 1) + ": the fence is never closed");
            }
            List<String> body = lines.subList(start, end);
            Matcher sh = SH.matcher(info);
            if (sh.matches()) {
                int exit = 0;
                int timeout = 120;
                Matcher o = OPTION.matcher(sh.group(1));
                while (o.find()) {
                    if (o.group(1).equals("exit")) {
                        exit = Integer.parseInt(o.group(2));
                    } else {
                        timeout = Integer.parseInt(o.group(2));
                    }
                }
                blocks.add(new Block(i + 1, String.join("\n", body) + "\n", exit, timeout, List.of()));
            } else if (info.equals("expect")) {
                if (blocks.isEmpty() || !previousFenceIsSh(lines, i)) {
                    throw new IllegalArgumentException(where + ":" + (i + 1) + ": an expect block must follow a sh block directly");
                }
                Block last = blocks.remove(blocks.size() - 1);
                blocks.add(new Block(last.line(), last.script(), last.exit(), last.timeoutSeconds(),
                        body.stream().filter(s -> !s.isBlank()).toList()));
            } else {
                throw new IllegalArgumentException(where + ":" + (i + 1) + ": fence '```" + info + "' is not allowed (only sh and expect)");
            }
            i = end;
        }
        return new Runbook(file, stage.group(1), List.copyOf(blocks));
    }

    /** Whether only blank lines stand between this expect fence and the end of a sh block. */
    private static boolean previousFenceIsSh(List<String> lines, int expectLine) {
        int j = expectLine - 1;
        while (j >= 0 && lines.get(j).isBlank()) {
            j--;
        }
        if (j < 0 || !lines.get(j).strip().equals("```")) {
            return false;
        }
        for (int k = j - 1; k >= 0; k--) {
            if (lines.get(k).startsWith("```")) {
                return SH.matcher(lines.get(k).substring(3).strip()).matches();
            }
        }
        return false;
    }
}
