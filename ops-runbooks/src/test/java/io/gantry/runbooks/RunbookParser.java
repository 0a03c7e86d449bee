package io.gantry.runbooks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Reads a runbook in the format of ops-runbooks/README.md: the title, the stage line, the five
 * required sections, and every fence. Only {@code ```sh} (with {@code exit=N} and {@code timeout=N})
 * and {@code ```expect} right after a {@code sh} block are allowed; any other fence is a problem, so
 * that no command can sit in the manual without the runner running it. Pure: no I/O but the read.
 */
final class RunbookParser {
    static final List<String> STAGES = List.of("dev", "host", "debian");
    static final List<String> SECTIONS = List.of("Purpose", "Preconditions", "Steps", "Checks", "Rollback");

    private static final Pattern STAGE_LINE = Pattern.compile("<!--\\s*runbook:\\s*stage=(\\S*)\\s*-->");
    private static final Pattern SECTION = Pattern.compile("##\\s+(.*?)\\s*#*\\s*");
    private static final Pattern SH_INFO = Pattern.compile("sh((?:\\s+\\S+)*)");
    private static final Pattern OPTION = Pattern.compile("(exit|timeout)=(\\d{1,6})");

    private RunbookParser() {
    }

    static Runbook parse(Path file) {
        try {
            return parse(file, Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    static Runbook parse(Path file, String text) {
        return new Reading(file, text).read();
    }

    /** The state of one pass over the lines. */
    private static final class Reading {
        private final Path file;
        private final String[] lines;
        private final List<String> problems = new ArrayList<>();
        private final List<ShellBlock> blocks = new ArrayList<>();
        private final Set<String> sections = new LinkedHashSet<>();
        /** The last sh block, while nothing but blank lines followed it: an expect block may attach to it. */
        private ShellBlock expectable;

        Reading(Path file, String text) {
            this.file = file;
            this.lines = text.replace("\r\n", "\n").split("\n", -1);
        }

        Runbook read() {
            String title = lines[0].startsWith("# ") ? lines[0].substring(2).strip() : null;
            if (title == null || title.isEmpty()) {
                problem(1, "the first line must be the title, '# <Title>'");
            }
            String stage = stage();
            for (int i = 0; i < lines.length; i++) {
                i = line(i);
            }
            for (String s : SECTIONS) {
                if (!sections.contains(s)) {
                    problems.add("missing section '## " + s + "' (every runbook has " + String.join(", ", SECTIONS) + ")");
                }
            }
            return new Runbook(file, title, stage, blocks, problems);
        }

        private String stage() {
            Matcher m = lines.length > 1 ? STAGE_LINE.matcher(lines[1].strip()) : null;
            if (m == null || !m.matches()) {
                problem(2, "the second line must be the stage line, '<!-- runbook: stage=dev -->' (dev, host or debian)");
                return null;
            }
            if (!STAGES.contains(m.group(1))) {
                problem(2, "unknown stage '" + m.group(1) + "' (dev, host or debian)");
                return null;
            }
            return m.group(1);
        }

        /** Reads the line at {@code i} (and a whole fence if one opens there); returns the last line read. */
        private int line(int i) {
            String text = lines[i];
            String trimmed = text.stripLeading();
            if (trimmed.startsWith("```") || trimmed.startsWith("~~~")) {
                return fence(i);
            }
            if (!trimmed.isBlank()) {
                expectable = null;
            }
            Matcher section = SECTION.matcher(text);
            if (section.matches()) {
                sections.add(section.group(1));
            }
            return i;
        }

        private int fence(int open) {
            String text = lines[open];
            String trimmed = text.stripLeading();
            int indent = text.length() - trimmed.length();
            char mark = trimmed.charAt(0);
            int width = 0;
            while (width < trimmed.length() && trimmed.charAt(width) == mark) {
                width++;
            }
            String info = trimmed.substring(width).strip();
            List<String> content = new ArrayList<>();
            int i = open + 1;
            for (; i < lines.length; i++) {
                String t = lines[i].strip();
                if (t.length() >= width && t.chars().allMatch(c -> c == mark)) {
                    break;
                }
                content.add(unindent(lines[i], indent));
            }
            if (i == lines.length) {
                problem(open + 1, "a fence that is never closed");
                return i;
            }
            if (mark == '~') {
                problem(open + 1, "a ~~~ fence; only ```sh and ```expect fences are allowed");
                expectable = null;
            } else if (info.equals("expect")) {
                expect(open + 1, content);
            } else if (SH_INFO.matcher(info).matches()) {
                shell(open + 1, info, content);
            } else {
                problem(open + 1, (info.isEmpty() ? "an untagged fence" : "a fence of language '" + info + "'")
                        + "; only ```sh, ```sh exit=N, ```sh timeout=N and ```expect are allowed, so that every command is run");
                expectable = null;
            }
            return i;
        }

        private void shell(int line, String info, List<String> content) {
            int exit = 0;
            Duration timeout = ShellBlock.DEFAULT_TIMEOUT;
            Set<String> seen = new LinkedHashSet<>();
            for (String option : info.substring(2).strip().split("\\s+")) {
                if (option.isEmpty()) {
                    continue;
                }
                Matcher m = OPTION.matcher(option);
                if (!m.matches()) {
                    problem(line, "unknown sh option '" + option + "' (exit=N, timeout=SECONDS)");
                    continue;
                }
                if (!seen.add(m.group(1))) {
                    problem(line, "sh option " + m.group(1) + " given twice");
                }
                int value = Integer.parseInt(m.group(2));
                if (m.group(1).equals("exit")) {
                    if (value > 255) {
                        problem(line, "exit=" + value + " is not an exit status (0-255)");
                    }
                    exit = value;
                } else {
                    if (value == 0) {
                        problem(line, "timeout=0: a block needs some time");
                    }
                    timeout = Duration.ofSeconds(value);
                }
            }
            String script = String.join("\n", content);
            if (script.isBlank()) {
                problem(line, "an empty sh block");
            }
            ShellBlock block = new ShellBlock(line, script + "\n", exit, timeout, List.of());
            blocks.add(block);
            expectable = block;
        }

        private void expect(int line, List<String> content) {
            if (expectable == null) {
                problem(line, "an expect block must come right after a sh block (blank lines only between them)");
                return;
            }
            List<Pattern> patterns = new ArrayList<>();
            for (String p : content) {
                if (p.isBlank()) {
                    continue;
                }
                try {
                    patterns.add(Pattern.compile(p.stripTrailing()));
                } catch (PatternSyntaxException e) {
                    problem(line, "expect line '" + p + "' is not a Java regular expression: " + e.getDescription());
                }
            }
            if (patterns.isEmpty() && content.stream().allMatch(String::isBlank)) {
                problem(line, "an expect block that expects nothing");
            }
            ShellBlock b = expectable;
            blocks.set(blocks.size() - 1, new ShellBlock(b.line(), b.script(), b.exit(), b.timeout(), patterns));
            expectable = null;
        }

        private static String unindent(String line, int indent) {
            int n = 0;
            while (n < indent && n < line.length() && line.charAt(n) == ' ') {
                n++;
            }
            return line.substring(n);
        }

        private void problem(int line, String what) {
            problems.add(file.getFileName() + ":" + line + ": " + what);
        }
    }
}
