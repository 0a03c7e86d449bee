package io.gantry.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

/** Where a bench's Markdown results go: standard output, and the {@code --report} file when one is given. */
public final class BenchResults {
    private BenchResults() {
    }

    /** Prints the results after a blank line; with a report file, also writes them there and says so through {@code say}. */
    public static void publish(String markdown, Path report, Consumer<String> say) throws IOException {
        System.out.println();
        System.out.println(markdown);
        if (report != null) {
            write(report, markdown);
            say.accept("results written to " + report);
        }
    }

    /** Writes the results to {@code report}, making its folder first if it is missing. */
    public static void write(Path report, String markdown) throws IOException {
        Path parent = report.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(report, markdown);
    }
}
