package io.gantry.runbooks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The runbook files of ops-runbooks/: every {@code *.md} directly in it, README.md (the index) included, by name. */
final class Runbooks {
    static final String INDEX = "README.md";

    private Runbooks() {
    }

    static List<Path> files(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".md") && Files.isRegularFile(p)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static boolean isIndex(Path file) {
        return file.getFileName().toString().equals(INDEX);
    }

    /** Whether the text has any fence line at all (``` or ~~~, however indented). */
    static boolean hasFences(String text) {
        return text.lines().map(String::stripLeading).anyMatch(l -> l.startsWith("```") || l.startsWith("~~~"));
    }
}
