package io.gantry.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** Creates Gantry zones until one fails or the ceiling is reached, then deletes them all. */
final class Capacity {
    /**
     * {@code firstFailure} is null when the ceiling was reached first. The create times of the
     * first and the last 50 zones show how create time grows with the number of zones.
     */
    record Result(int zones, int ceiling, String firstFailure, Samples firstCreates, Samples lastCreates,
                  long memAvailableDropMiB) {
    }

    private Capacity() {
    }

    static Result probe(GantryVariant gantry, int ceiling, Consumer<String> say) {
        say.accept("capacity: creating Gantry zones until the first failure (at most " + ceiling + ")");
        long memBefore = memAvailableMiB();
        List<String> handles = new ArrayList<>();
        List<Long> createNanos = new ArrayList<>();
        String failure = null;
        long memAtPeak = memBefore;
        try {
            while (handles.size() < ceiling) {
                long t0 = System.nanoTime();
                handles.add(gantry.createRunning(handles.size(), 200));
                createNanos.add(System.nanoTime() - t0);
                if (handles.size() % 25 == 0) {
                    say.accept(String.format("capacity: %d zones running, the last took %.0f ms",
                            handles.size(), createNanos.get(createNanos.size() - 1) / 1e6));
                }
            }
        } catch (RuntimeException e) {
            failure = e.getMessage();
            say.accept("capacity: zone " + (handles.size() + 1) + " failed: " + failure);
        } finally {
            memAtPeak = memAvailableMiB();
            say.accept("capacity: " + handles.size() + " zones ran at once; deleting them");
            for (int i = 0; i < handles.size(); i++) {
                gantry.stopAndDelete(handles.get(i));
                ZoneLifecycleBench.progress("capacity: deleted", i + 1, handles.size());
            }
        }
        return new Result(handles.size(), ceiling, failure, window(createNanos, 0, 50),
                window(createNanos, Math.max(0, createNanos.size() - 50), createNanos.size()), memBefore - memAtPeak);
    }

    private static Samples window(List<Long> nanos, int from, int to) {
        Samples s = new Samples();
        for (long n : nanos.subList(Math.min(from, nanos.size()), Math.min(to, nanos.size()))) {
            s.add(n);
        }
        return s;
    }

    private static long memAvailableMiB() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemAvailable:")) {
                    return Long.parseLong(line.replaceAll("\\D+", "")) / 1024;
                }
            }
            return 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
