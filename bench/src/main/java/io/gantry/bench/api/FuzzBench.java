package io.gantry.bench.api;

import io.gantry.bench.BenchMain;
import io.gantry.bench.BenchResults;
import io.gantry.cloudapi.CloudApi;
import io.gantry.cloudapi.CloudApiConfig;
import io.gantry.cloudapi.Seed;
import io.gantry.cloudapi.fuzz.FuzzChecker;
import io.gantry.cloudapi.fuzz.FuzzRun;
import io.gantry.cloudapi.fuzz.FuzzWorld;
import io.gantry.cloudapi.fuzz.RequestGenerator;
import io.gantry.cloudapi.fuzz.RouteTemplate;
import io.gantry.cloudapi.store.DatabaseConfig;
import io.gantry.testkit.FreshDatabase;
import io.gantry.testkit.TestPostgres;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The cloud API fuzz test ({@code CloudApiFuzzTest}) at length: the same generator, checker and
 * properties over the real cloud API on an embedded PostgreSQL in this JVM, for as many requests as
 * asked. Prints requests/s, the status histogram, latency and every violation (with its seed and
 * request bytes). Exit code 1 when any property was violated. A harness, not a test.
 */
@Command(name = "fuzz-bench", mixinStandardHelpOptions = true,
        description = "Sends generated requests (every route, signed and not, malformed and not) to a real cloud API and checks every answer.")
public final class FuzzBench implements Callable<Integer> {
    @Option(names = "--requests", defaultValue = "100000", description = "Requests to send (default ${DEFAULT-VALUE}).")
    long requests;

    @Option(names = "--seed", description = "The generator's seed (default: from the clock; printed).")
    Long seed;

    @Option(names = "--timeout-ms", defaultValue = "2000", description = "Deadline for each answer (default ${DEFAULT-VALUE}).")
    int timeoutMillis;

    @Option(names = "--fsync", description = "Run PostgreSQL with fsync and synchronous commit on (default: off, as the CI test).")
    boolean fsync;

    @Option(names = "--report", description = "Also write the summary as Markdown to this file.")
    Path report;

    public static void main(String[] args) {
        BenchMain.run(FuzzBench::new, "off", args); // the fuzzer makes the API log a lot on purpose
    }

    @Override
    public Integer call() throws Exception {
        if (requests < 1 || requests > Integer.MAX_VALUE || timeoutMillis < 1) {
            System.err.println("fuzz-bench: --requests must be 1 to 2^31-1 and --timeout-ms at least 1");
            return 2;
        }
        long s = seed != null ? seed : System.nanoTime();
        say("seed " + s + " (replay with --seed " + s + ")");
        // the test kit's server runs without fsync and synchronous commit, as the CI test
        TestPostgres pg = TestPostgres.start(fsync ? Map.of("fsync", "on", "synchronous_commit", "on") : Map.of());
        Vertx vertx = null;
        CloudApi api = null;
        FuzzRun.Report result;
        try {
            FreshDatabase fresh = pg.freshDatabase("fuzz");
            DatabaseConfig db = new DatabaseConfig(fresh.host(), fresh.port(), fresh.name(), fresh.user(), fresh.password(), 10);
            vertx = Vertx.vertx();
            api = CloudApi.start(vertx, new CloudApiConfig("127.0.0.1", 0, "http://127.0.0.1", "bench-1", db, null));
            try (Seed seedDb = new Seed(db)) {
                seedDb.pkg("small", 128, 1024, 1, 100, 256, "small", true);
                seedDb.pkg("big", 1024, 4096, 2, 200, 1024, "big", false);
                seedDb.image("busybox", "1.0.0", "other", "busybox", "busybox");
                seedDb.network("fabric", "10.200.0.0/16", "bench network");
            }
            var routes = RouteTemplate.of(api.router());
            say(routes.size() + " routes; " + requests + " requests, " + timeoutMillis + " ms deadline each");
            try (FuzzWorld world = FuzzWorld.create("127.0.0.1", api.port(), db, s)) {
                var generator = new RequestGenerator(world, routes, s);
                result = new FuzzRun(world, generator, new FuzzChecker(world, false), timeoutMillis, s).run(requests, FuzzBench::say);
            }
        } finally {
            if (api != null) {
                api.close();
            }
            if (vertx != null) {
                vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            }
            pg.close();
        }
        System.out.println();
        System.out.println(result.summary());
        String markdown = markdown(result);
        System.out.println(markdown);
        if (report != null) {
            BenchResults.write(report, markdown);
        }
        return result.violationCount() == 0 && result.uncovered().isEmpty() ? 0 : 1;
    }

    private String markdown(FuzzRun.Report r) {
        return String.format(Locale.ROOT, "%s, seed %d, PostgreSQL fsync %s, %s %s, %d cores, Java %s%n%n"
                        + "| requests | requests/s | p50 ms | p99 ms | max ms | violations | routes not covered |%n"
                        + "|---:|---:|---:|---:|---:|---:|---:|%n| %,d | %.0f | %.2f | %.2f | %.2f | %d | %d |%n%n"
                        + "Statuses: %s (CLOSED: the client stopped mid-body and the server closed the connection)%n",
                ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ISO_LOCAL_DATE), r.seed(), fsync ? "on" : "off",
                System.getProperty("os.name"), System.getProperty("os.version"), Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"), r.requests(), r.perSecond(), r.percentileMillis(50), r.percentileMillis(99),
                r.percentileMillis(100), r.violationCount(), r.uncovered().size(), r.statuses());
    }

    static void say(String line) {
        System.out.println("[fuzz-bench] " + line);
        System.out.flush();
    }
}
