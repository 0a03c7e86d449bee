package io.gantry.bench;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
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
    /** Per step of a Gantry create, in the order the steps come (from the backend's create observer). */
    Map<String, Samples> steps = Map.of();

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
            md.append(String.format("MemAvailable fell by %d MiB.%n", capacity.memAvailableDropMiB()));
            int n = capacity.zones();
            int w = Capacity.WINDOW;
            md.append(String.format("%n| occupancy (zones on the node) | create p50 | create p99 | stop+delete p50 | stop+delete p99 |%n"));
            md.append("| --- | ---: | ---: | ---: | ---: |\n");
            md.append(String.format("| low: creates 1–%d, deletes %d–1 | %.0f ms | %.0f ms | %.0f ms | %.0f ms |%n", Math.min(w, n),
                    Math.min(w, n), capacity.firstCreates().p50(), capacity.firstCreates().p99(),
                    capacity.deletesWhenEmpty().p50(), capacity.deletesWhenEmpty().p99()));
            md.append(String.format("| high: creates %d–%d, deletes %d–%d | %.0f ms | %.0f ms | %.0f ms | %.0f ms |%n",
                    Math.max(1, n - w + 1), n, n, Math.max(1, n - w + 1), capacity.lastCreates().p50(), capacity.lastCreates().p99(),
                    capacity.deletesWhenFull().p50(), capacity.deletesWhenFull().p99()));
            md.append(String.format("| **occupancy ratio high / low** | **%.2f** | %.2f | **%.2f** | %.2f |%n", capacity.createRatio(),
                    capacity.lastCreates().p99() / capacity.firstCreates().p99(), capacity.deleteRatio(),
                    capacity.deletesWhenFull().p99() / capacity.deletesWhenEmpty().p99()));
            reconciles(md, capacity.reconciles());
        }
        goals(md);
        if (!steps.isEmpty()) {
            md.append("\nWhere a Gantry create's time goes (every create of the run, capacity part included), per step:\n\n");
            md.append("| step | p50 | p99 |\n| --- | ---: | ---: |\n");
            steps.forEach((step, samples) -> md.append(String.format("| %s | %.1f ms | %.1f ms |%n", step, samples.p50(), samples.p99())));
        }
        return md.toString();
    }

    /** Issue 16's goals, judged on this run: create and stop+delete near the runc floor, flat with occupancy. */
    private void goals(StringBuilder md) {
        Timings gantry = timings.get(GANTRY);
        Timings raw = timings.get(RAW);
        md.append("\n| issue 16 goal | this run | met |\n| --- | ---: | --- |\n");
        if (gantry != null && raw != null) {
            double c = gantry.create().p50() / raw.create().p50();
            double d = gantry.delete().p50() / raw.delete().p50();
            md.append(String.format("| create p50 ≤ 2.5 × raw runc run -d | %.2f × | %s |%n", c, c <= 2.5 ? "yes" : "NO"));
            md.append(String.format("| stop+delete p50 ≤ 2.5 × raw stop+delete | %.2f × | %s |%n", d, d <= 2.5 ? "yes" : "NO"));
        }
        if (capacity != null) {
            md.append(String.format("| create p50 at %d zones ≤ 1.3 × the first %d | %.2f × | %s |%n", capacity.zones(), Capacity.WINDOW,
                    capacity.createRatio(), capacity.createRatio() <= 1.3 ? "yes" : "NO"));
            md.append(String.format("| stop+delete p50 at %d zones ≤ 1.3 × the last %d | %.2f × | %s |%n", capacity.zones(),
                    Capacity.WINDOW, capacity.deleteRatio(), capacity.deleteRatio() <= 1.3 ? "yes" : "NO"));
        }
    }

    /** The agent's periodic pass at low and high occupancy: as it was (the start-up's recovery) and as it is. */
    private static void reconciles(StringBuilder md, List<ReconcileCost> costs) {
        if (costs.isEmpty()) {
            return;
        }
        md.append(String.format("%nThe agent's periodic pass (every interval, 5 s by default; median of %d passes each):%n%n",
                ReconcileCost.PASSES));
        md.append("| zones running | pass | wall | host commands | CPU (JVM + commands) |\n| ---: | --- | ---: | ---: | ---: |\n");
        for (ReconcileCost c : costs) {
            md.append(String.format("| %d | start-up's recovery (every pass before) | %.0f ms | %d | %.0f ms |%n", c.zones(),
                    c.recover().wallMillis(), c.recover().commands(), c.recover().cpuMillis()));
            md.append(String.format("| %d | periodic reconcile | %.1f ms | %d | %.0f ms |%n", c.zones(),
                    c.reconcile().wallMillis(), c.reconcile().commands(), c.reconcile().cpuMillis()));
        }
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
