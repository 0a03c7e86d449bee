package io.gantry.bench.portal;

import io.gantry.bench.Samples;
import java.lang.management.ManagementFactory;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;

/** The portal bench's results as Markdown: each path's times and its ratio to the first (the baseline) of the run. */
final class PortalReport {
    private final int machines;
    private final int rounds;
    private final int warmup;
    private Map<String, Samples> http = Map.of();
    private String browserName;
    private Map<String, Samples> browser;
    private final StringBuilder notes = new StringBuilder();

    PortalReport(int machines, int rounds, int warmup) {
        this.machines = machines;
        this.rounds = rounds;
        this.warmup = warmup;
    }

    /** The HTTP paths, the first being the baseline. */
    PortalReport http(Map<String, Samples> samples) {
        this.http = samples;
        return this;
    }

    /** The page's timings, each over the same loads. */
    PortalReport browser(String name, Map<String, Samples> loads) {
        this.browserName = name;
        this.browser = loads;
        return this;
    }

    PortalReport note(String line) {
        notes.append(line).append('\n');
        return this;
    }

    String markdown() {
        StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "Machines page of an account with %,d machines (SIMULATED nodes), %s, %s.%n%n",
                machines, ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ISO_LOCAL_DATE), machine()));
        md.append(String.format(Locale.ROOT, "Server time, one call at a time, the paths taking turns, %d calls each after %d "
                + "warm-up calls:%n%n", rounds, warmup));
        md.append("| path | calls | p50 ms | p90 ms | p99 ms | max ms | p50 / baseline | p99 / baseline |\n");
        md.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        Samples base = http.values().stream().findFirst().orElse(null);
        http.forEach((name, s) -> md.append(row(name, s, base)));
        if (browser != null) {
            md.append(String.format(Locale.ROOT, "%nThe machines page in a browser, %s:%n%n", browserName));
            md.append("| machines page | loads | p50 ms | p90 ms | p99 ms | max ms | p50 / baseline | p99 / baseline |\n");
            md.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
            browser.forEach((name, s) -> md.append(row(name, s, base)));
        }
        if (base != null) {
            md.append("\nbaseline: the first path above.\n");
        }
        md.append(notes);
        return md.toString();
    }

    private static String row(String name, Samples s, Samples base) {
        return String.format(Locale.ROOT, "| %s | %d | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f |%n", name, s.count(), s.p50(),
                s.percentile(90), s.p99(), s.percentile(100), base == null ? Double.NaN : s.p50() / base.p50(),
                base == null ? Double.NaN : s.p99() / base.p99());
    }

    private static String machine() {
        long memGiB = Math.round(((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getTotalMemorySize() / (1024.0 * 1024 * 1024));
        return String.format(Locale.ROOT, "%s %s, %d cores, %d GiB, Java %s", System.getProperty("os.name"),
                System.getProperty("os.version"), Runtime.getRuntime().availableProcessors(), memGiB,
                System.getProperty("java.version"));
    }
}
