package io.gantry.bench;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** The results of one run as Markdown: timings per variant, ratios from the same run, capacity. */
final class Report {
    record Timings(Samples create, Samples delete) {
    }

    static final String RAW = "raw runc run -d";
    static final String GANTRY = "Gantry zone";
    static final String DOCKER = "docker run -d";

    private final Instant started;
    private final int zones;
    private final Map<String, Timings> timings = new LinkedHashMap<>();
    String machine = "";
    String dockerVersion;
    String dockerSkipped;
    Samples dockerCli;
    Capacity.Result capacity;

    Report(Instant started, int zones) {
        this.started = started;
        this.zones = zones;
    }

    void add(String variant, Timings t) {
        timings.put(variant, t);
    }

    String markdown() {
        StringBuilder md = new StringBuilder();
        md.append("Run of ").append(started).append(" on ").append(machine);
        if (dockerVersion != null) {
            md.append(", Docker engine ").append(dockerVersion);
        }
        md.append(".\n\n");
        md.append("| variant (").append(zones).append(" zones each) | create p50 | create p99 | stop+delete p50 | stop+delete p99 |\n");
        md.append("| --- | ---: | ---: | ---: | ---: |\n");
        timings.forEach((name, t) -> md.append(String.format("| %s | %.0f ms | %.0f ms | %.0f ms | %.0f ms |%n",
                name, t.create().p50(), t.create().p99(), t.delete().p50(), t.delete().p99())));
        md.append("\n| ratio | create p50 | create p99 | stop+delete p50 | stop+delete p99 |\n");
        md.append("| --- | ---: | ---: | ---: | ---: |\n");
        ratioRow(md, GANTRY, RAW);
        ratioRow(md, GANTRY, DOCKER);
        ratioRow(md, DOCKER, RAW);
        if (dockerCli != null) {
            md.append(String.format("%nEvery docker command pays its client's start and one API call: `docker version` p50 %.0f ms"
                    + " (part of Docker's figures above).%n", dockerCli.p50()));
        }
        if (dockerSkipped != null) {
            md.append("\nDocker not measured: ").append(dockerSkipped).append(".\n");
        }
        Timings gantry = timings.get(GANTRY);
        Timings docker = timings.get(DOCKER);
        if (gantry != null && docker != null) {
            boolean met = gantry.create().p50() < docker.create().p50();
            md.append(String.format("%nTarget, Gantry create p50 below Docker's: %s (%.0f ms vs %.0f ms).%n",
                    met ? "met" : "NOT met", gantry.create().p50(), docker.create().p50()));
        }
        if (capacity != null) {
            md.append(String.format("%nCapacity: %d Gantry zones ran at once (%s; target >= 250). ", capacity.zones(),
                    capacity.firstFailure() == null
                            ? "no failure up to the ceiling of " + capacity.ceiling()
                            : "the next one failed: " + capacity.firstFailure()));
            md.append(String.format("Create p50 was %.0f ms for the first 50 zones and %.0f ms for the last 50; "
                            + "MemAvailable fell by %d MiB.%n",
                    capacity.firstCreates().p50(), capacity.lastCreates().p50(), capacity.memAvailableDropMiB()));
        }
        return md.toString();
    }

    private void ratioRow(StringBuilder md, String a, String b) {
        Timings ta = timings.get(a);
        Timings tb = timings.get(b);
        if (ta == null || tb == null) {
            return;
        }
        md.append(String.format("| %s / %s | %.2f | %.2f | %.2f | %.2f |%n", a, b,
                ta.create().p50() / tb.create().p50(), ta.create().p99() / tb.create().p99(),
                ta.delete().p50() / tb.delete().p50(), ta.delete().p99() / tb.delete().p99()));
    }
}
