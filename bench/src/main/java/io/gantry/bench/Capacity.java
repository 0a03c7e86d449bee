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
    /** Zones at each end of the run compared: creates and stop+deletes on an almost empty node against a full one. */
    static final int WINDOW = 50;

    /**
     * {@code firstFailure} is null when the ceiling was reached first. The create times of the first and the last
     * {@link #WINDOW} zones show how create time grows with the number of zones; zones are deleted in the order they were
     * made, so the first {@link #WINDOW} stop+deletes run on a full node and the last ones on an almost empty node.
     */
    record Result(int zones, int ceiling, String firstFailure, Samples firstCreates, Samples lastCreates,
                  Samples deletesWhenFull, Samples deletesWhenEmpty, long memAvailableDropMiB, List<ReconcileCost> reconciles) {
        double createRatio() {
            return lastCreates.p50() / firstCreates.p50();
        }

        double deleteRatio() {
            return deletesWhenFull.p50() / deletesWhenEmpty.p50();
        }
    }

    private Capacity() {
    }

    static Result probe(GantryVariant gantry, int ceiling, Path holdAtPeak, Consumer<String> say) {
        say.accept("capacity: creating Gantry zones until the first failure (at most " + ceiling + ")");
        long memBefore = memAvailableMiB();
        List<String> handles = new ArrayList<>();
        List<Long> createNanos = new ArrayList<>();
        List<Long> deleteNanos = new ArrayList<>();
        List<ReconcileCost> reconciles = new ArrayList<>();
        String failure = null;
        long memAtPeak = memBefore;
        try {
            while (handles.size() < ceiling) {
                long t0 = System.nanoTime();
                handles.add(gantry.createRunning(handles.size(), 200));
                createNanos.add(System.nanoTime() - t0);
                if (handles.size() == WINDOW) {
                    reconciles.add(ReconcileCost.measure(gantry, handles.size()));
                }
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
            if (handles.size() > WINDOW) {
                say.accept("capacity: the agent's periodic pass with " + handles.size() + " zones running, as it was and as it is");
                reconciles.add(ReconcileCost.measure(gantry, handles.size()));
            }
            if (holdAtPeak != null) {
                holdUntilRemoved(holdAtPeak, handles.size(), say);
            }
            say.accept("capacity: " + handles.size() + " zones ran at once; deleting them");
            for (int i = 0; i < handles.size(); i++) {
                long t0 = System.nanoTime();
                gantry.stopAndDelete(handles.get(i));
                deleteNanos.add(System.nanoTime() - t0);
                ZoneLifecycleBench.progress("capacity: deleted", i + 1, handles.size());
            }
        }
        return new Result(handles.size(), ceiling, failure, window(createNanos, 0, WINDOW),
                window(createNanos, Math.max(0, createNanos.size() - WINDOW), createNanos.size()),
                window(deleteNanos, 0, WINDOW), window(deleteNanos, Math.max(0, deleteNanos.size() - WINDOW), deleteNanos.size()),
                memBefore - memAtPeak, reconciles);
    }

    private static void holdUntilRemoved(Path file, int zones, Consumer<String> say) {
        try {
            Files.writeString(file, zones + " zones running\n");
            say.accept("capacity: " + zones + " zones running; holding until " + file + " is removed");
            while (Files.exists(file)) {
                Thread.sleep(500);
            }
        } catch (IOException e) {
            say.accept("capacity: not holding, " + file + " cannot be written: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
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
