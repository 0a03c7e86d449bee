package io.gantry.agent.runc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** What {@code /proc} says of a process on the host: its children and how often it has been switched to. */
final class ProcessFiles {
    private ProcessFiles() {
    }

    /** The process ids of its children (zombies included, until reaped). */
    static List<String> children(long pid) throws IOException {
        String list = Files.readString(Path.of("/proc", Long.toString(pid), "task", Long.toString(pid), "children")).strip();
        return list.isEmpty() ? List.of() : List.of(list.split(" "));
    }

    /** Voluntary and involuntary context switches so far: each wake-up adds at least one. */
    static long contextSwitches(long pid) throws IOException {
        return Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")).stream()
                .filter(line -> line.contains("ctxt_switches:"))
                .mapToLong(line -> Long.parseLong(line.replaceAll("\\D+", "")))
                .sum();
    }
}
