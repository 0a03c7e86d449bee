package io.gantry.bench.net;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Throughput figures of iperf3 runs, in Gbit/s: each run's, and their median. */
final class Gbits {
    private Gbits() {
    }

    /** Every run's figure, two decimals, joined by " · ". */
    static String perRun(List<Double> gbits) {
        return String.join(" · ", gbits.stream().map(g -> String.format(Locale.ROOT, "%.2f", g)).toList());
    }

    static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
