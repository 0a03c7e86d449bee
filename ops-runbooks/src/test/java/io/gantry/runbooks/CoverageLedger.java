package io.gantry.runbooks;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the runner did with each runbook file: how many of its sh blocks ran, or why it was skipped.
 * The coverage check reads it: a file the runner never looked at, or a block that did not run in a
 * runbook that was not skipped for a stated reason, fails the build.
 */
final class CoverageLedger {
    private record Entry(Runbook runbook, int ran, String skipped, Duration took) {
    }

    private final Map<Path, Entry> entries = new LinkedHashMap<>();

    synchronized void found(Runbook runbook) {
        entries.put(runbook.file(), new Entry(runbook, 0, null, Duration.ZERO));
    }

    /** An index with no fence: nothing to run. */
    synchronized void nothingToRun(Path file) {
        entries.put(file, new Entry(null, 0, null, Duration.ZERO));
    }

    synchronized void ran(Path file) {
        Entry e = entries.get(file);
        entries.put(file, new Entry(e.runbook(), e.ran() + 1, e.skipped(), e.took()));
    }

    synchronized void skipped(Path file, String why) {
        Entry e = entries.get(file);
        entries.put(file, new Entry(e.runbook(), e.ran(), why, e.took()));
    }

    synchronized void took(Path file, Duration took) {
        Entry e = entries.get(file);
        entries.put(file, new Entry(e.runbook(), e.ran(), e.skipped(), took));
    }

    /** Every way the files fall short of "every sh block ran": empty when none does. */
    synchronized List<String> faults(List<Path> files) {
        List<String> faults = new ArrayList<>();
        for (Path f : files) {
            Entry e = entries.get(f);
            String name = f.getFileName().toString();
            if (e == null) {
                faults.add(name + ": the runner did not read it");
            } else if (e.runbook() != null && !e.runbook().problems().isEmpty()) {
                faults.add(name + ": its form is wrong, so its blocks cannot all run: " + String.join("; ", e.runbook().problems()));
            } else if (e.runbook() != null && e.skipped() == null && e.ran() < e.runbook().blocks().size()) {
                ShellBlock first = e.runbook().blocks().get(e.ran());
                faults.add(name + ": " + (e.runbook().blocks().size() - e.ran()) + " of " + e.runbook().blocks().size()
                        + " sh blocks did not run, from line " + first.line());
            }
        }
        return faults;
    }

    /** One line per file: blocks run, time taken, or why skipped. */
    synchronized List<String> summary() {
        List<String> lines = new ArrayList<>();
        entries.forEach((f, e) -> {
            String name = f.getFileName().toString();
            if (e.runbook() == null) {
                lines.add(String.format("%-34s no blocks (index)", name));
            } else if (e.skipped() != null) {
                lines.add(String.format("%-34s skipped: %s", name, e.skipped()));
            } else {
                lines.add(String.format("%-34s %2d/%-2d blocks ran  %6.1f s  (stage %s)", name, e.ran(), e.runbook().blocks().size(),
                        e.took().toMillis() / 1000.0, e.runbook().stage()));
            }
        });
        return lines;
    }
}
