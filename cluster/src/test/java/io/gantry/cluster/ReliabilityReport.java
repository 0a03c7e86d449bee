package io.gantry.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * docs/reliability.md, written from what the cluster tests {@link #record recorded} in this run, once the cluster
 * is closed: the run's date and machine, how long the images and the cluster took, then one row per fault.
 */
public final class ReliabilityReport {
    private static final List<Finding> FINDINGS = new ArrayList<>();
    private static long imagesMillis = -1;
    private static long clusterMillis = -1;

    private ReliabilityReport() {
    }

    /** Adds a fault's figures to this run's report (and says them on the test's output). */
    public static synchronized void record(Finding f) {
        FINDINGS.add(f);
        System.out.println("reliability: " + f);
    }

    static synchronized void startedCluster(long images, long cluster) {
        imagesMillis = images;
        clusterMillis = cluster;
    }

    static synchronized void write() {
        if (FINDINGS.isEmpty()) {
            return; // nothing ran: the committed report stays as it is
        }
        Path file = Release.repo().resolve("docs/reliability.md");
        try {
            String before = Files.exists(file) ? Files.readString(file) : "";
            Files.writeString(file, render(before));
            System.out.println("reliability: wrote " + file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The report: this run's rows, then the rows of the faults this run did not measure as an earlier run left them
     * in {@code before} (each row says when it was measured), so running one test class updates its rows only.
     */
    static synchronized String render(String before) {
        String today = ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'"));
        StringBuilder md = new StringBuilder();
        md.append(ReliabilityIntro.TEXT);
        md.append("\n## The last run\n\n");
        md.append("- date: ").append(today).append('\n');
        md.append("- machine: ").append(machine()).append('\n');
        md.append("- images (base cached, the others answered from Docker's layer cache where unchanged): ").append(seconds(imagesMillis)).append('\n');
        md.append("- cluster start (15 containers, until the load balancer served): ").append(seconds(clusterMillis)).append("\n\n");
        md.append(HEADER);
        md.append("|---|---|---|---|---|---|---|---|\n");
        List<String> faults = new ArrayList<>();
        for (Finding f : FINDINGS) {
            faults.add(f.fault());
            md.append("| ").append(f.fault()).append(" | ").append(f.checked()).append(" | ").append(seconds(f.detectedMs()))
                    .append(" | ").append(seconds(f.recoveredMs())).append(" | ").append(f.lost()).append(" | ").append(f.duplicated())
                    .append(" | ").append(f.outcome()).append(" | ").append(today).append(" |\n");
        }
        earlierRows(before).stream().filter(l -> faults.stream().noneMatch(f -> l.startsWith("| " + f + " |")))
                .forEach(l -> md.append(l).append('\n'));
        return md.toString();
    }

    /** The fault rows of an earlier report, each ending with when it was measured (a report without that column: its date). */
    private static List<String> earlierRows(String before) {
        int table = before.indexOf("| fault | checked |");
        if (table < 0) {
            return List.of();
        }
        String date = before.lines().filter(l -> l.startsWith("- date: ")).map(l -> l.substring(8).strip()).findFirst().orElse("?");
        return before.substring(table).lines().skip(2).takeWhile(l -> l.startsWith("| "))
                .map(l -> l.split(" \\| ", -1).length >= 8 ? l : l + " " + date + " |").toList();
    }

    private static final String HEADER = "| fault | checked | detected after | recovered after | lost | duplicated | seen | measured |\n";

    private static String seconds(long millis) {
        return millis < 0 ? "—" : String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
    }

    private static String machine() {
        long memory = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getTotalMemorySize();
        String kernel = System.getProperty("os.version");
        return Runtime.getRuntime().availableProcessors() + " cores, " + (memory >> 30) + " GiB, Linux " + kernel
                + ", Java " + System.getProperty("java.version");
    }
}
