package io.gantry.bench;

import java.util.ArrayList;
import java.util.List;

/** Durations of one operation, in milliseconds, with nearest-rank percentiles. */
public final class Samples {
    private final List<Double> millis = new ArrayList<>();

    public void add(long nanos) {
        millis.add(nanos / 1e6);
    }

    public int count() {
        return millis.size();
    }

    /** The nearest-rank percentile: the smallest sample with at least p% of the samples at or below it. */
    public double percentile(double p) {
        if (millis.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = new ArrayList<>(millis);
        sorted.sort(null);
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, rank - 1));
    }

    public double p50() {
        return percentile(50);
    }

    public double p99() {
        return percentile(99);
    }
}
