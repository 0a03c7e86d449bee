package io.gantry.bench.api;

import io.gantry.bench.BenchMain;
import io.gantry.bench.BenchResults;
import io.gantry.cloudapi.CloudApi;
import io.gantry.cloudapi.CloudApiConfig;
import io.gantry.cloudapi.Seed;
import io.gantry.cloudapi.auth.SshPublicKey;
import io.gantry.cloudapi.store.DatabaseConfig;
import io.gantry.common.Json;
import io.gantry.testkit.FreshDatabase;
import io.gantry.testkit.SignedClient;
import io.gantry.testkit.TestKeys;
import io.gantry.testkit.TestPostgres;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Latency of a signed {@code GET /my/machines/:id} (HTTP Signature check, account and machine read
 * from PostgreSQL) against an unauthenticated {@code GET /--ping} on the same server, both at one
 * fixed request rate (open loop: latency counts from each request's scheduled send time, so a slow
 * server is not hidden by a client that waits for it). The real cloud API on an embedded PostgreSQL,
 * in this JVM. A harness, not a test.
 */
@Command(name = "api-bench", mixinStandardHelpOptions = true,
        description = "Measures signed GET /my/machines/:id latency against GET /--ping at a fixed request rate.")
public final class ApiBench implements Callable<Integer> {
    @Option(names = "--rate", defaultValue = "200", description = "Requests per second, sent on schedule (default ${DEFAULT-VALUE}).")
    int rate;

    @Option(names = "--seconds", defaultValue = "20", description = "Measured seconds per endpoint (default ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--warmup", defaultValue = "5", description = "Unmeasured seconds per endpoint first (default ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--report", description = "Also write the results as Markdown to this file.")
    Path report;

    public static void main(String[] args) {
        BenchMain.run(ApiBench::new, "warn", args);
    }

    @Override
    public Integer call() throws Exception {
        if (rate < 1 || seconds < 1 || warmup < 0) {
            System.err.println("api-bench: --rate and --seconds must be at least 1, --warmup not negative");
            return 2;
        }
        say("starting embedded PostgreSQL");
        TestPostgres pg = TestPostgres.start(Map.of());
        Vertx vertx = null;
        CloudApi api = null;
        String markdown;
        try {
            FreshDatabase fresh = pg.freshDatabase("bench");
            DatabaseConfig db = new DatabaseConfig(fresh.host(), fresh.port(), fresh.name(), fresh.user(), fresh.password(), 10);
            vertx = Vertx.vertx();
            say("starting the cloud API (migrations, then bind) in this JVM");
            api = CloudApi.start(vertx, new CloudApiConfig("127.0.0.1", 0, "http://127.0.0.1", "bench-1", db, null));
            String base = "http://127.0.0.1:" + api.port();

            KeyPair pair = TestKeys.rsa();
            SshPublicKey key = SshPublicKey.parse(TestKeys.openSsh(pair, "bench"));
            UUID pkg;
            UUID image;
            try (Seed seed = new Seed(db)) {
                pkg = seed.pkg("bench", 128, 1024, 1, 100, 256, "bench package", true);
                image = seed.image("busybox", "1.0.0", "other", "busybox", "busybox");
                seed.network("fabric", "10.200.0.0/16", "bench network");
                UUID account = seed.account("bench", "bench@example.test");
                seed.key(account, "bench", key);
            }
            SignedClient signer = new SignedClient(base, "bench", key.md5Fingerprint(), pair).likeTritonCli();
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5)).build();

            String create = "{\"name\":\"b1\",\"image\":\"" + image + "\",\"package\":\"" + pkg + "\"}";
            HttpResponse<String> created = http.send(signer.request("POST", "/my/machines", create),
                    HttpResponse.BodyHandlers.ofString());
            if (created.statusCode() / 100 != 2) {
                System.err.println("api-bench: POST /my/machines answered " + created.statusCode() + ": " + created.body());
                return 1;
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> machine = Json.read(created.body(), Map.class);
            String id = String.valueOf(machine.get("id"));
            String path = "/my/machines/" + id;
            say("machine " + id + " created, state " + machine.get("state")
                    + " (no provisioner runs, so it stays provisioning; the GET reads its record)");

            HttpResponse<String> check = http.send(signer.request("GET", path, null), HttpResponse.BodyHandlers.ofString());
            if (check.statusCode() != 200) {
                System.err.println("api-bench: GET " + path + " answered " + check.statusCode() + ": " + check.body());
                return 1;
            }

            Supplier<HttpRequest> ping = () -> HttpRequest.newBuilder(URI.create(base + "/--ping"))
                    .timeout(Duration.ofSeconds(10)).header("Accept", "application/json").GET().build();
            Supplier<HttpRequest> signed = () -> signer.request("GET", path, null);

            Result pingResult = run(http, "ping baseline (GET /--ping)", ping);
            Result signedResult = run(http, "signed GET /my/machines/:id", signed);

            markdown = markdown(pingResult, signedResult);
        } finally {
            say("shutting down");
            if (api != null) {
                try {
                    api.close();
                } catch (Exception e) {
                    System.err.println("cleanup: " + e.getMessage());
                }
            }
            if (vertx != null) {
                vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            }
            pg.close();
        }
        BenchResults.publish(markdown, report, ApiBench::say);
        return 0;
    }

    record Result(String name, long[] latenciesNanos, int errors, int sent, double achievedRate) {
        double pct(double p) {
            if (latenciesNanos.length == 0) {
                return Double.NaN;
            }
            int i = (int) Math.ceil(p / 100.0 * latenciesNanos.length) - 1;
            return latenciesNanos[Math.max(0, Math.min(i, latenciesNanos.length - 1))] / 1e6;
        }

        double max() {
            return latenciesNanos.length == 0 ? Double.NaN : latenciesNanos[latenciesNanos.length - 1] / 1e6;
        }
    }

    private Result run(HttpClient http, String name, Supplier<HttpRequest> request) throws Exception {
        if (warmup > 0) {
            say(name + ": " + warmup + " s warm-up at " + rate + " req/s");
            paced(http, request, rate * warmup);
        }
        say(name + ": " + seconds + " s measured at " + rate + " req/s");
        Result r = paced(http, request, rate * seconds);
        Result named = new Result(name, r.latenciesNanos, r.errors, r.sent, r.achievedRate);
        say(String.format(Locale.ROOT, "%s: p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms, %.1f req/s, %d errors",
                name, named.pct(50), named.pct(90), named.pct(99), named.max(), named.achievedRate, named.errors));
        return named;
    }

    /**
     * Sends {@code count} requests, the i-th scheduled at start + i / rate, without waiting for
     * answers; each latency runs from the scheduled time (not the actual send) to the full response.
     */
    private Result paced(HttpClient http, Supplier<HttpRequest> request, int count) throws Exception {
        long interval = 1_000_000_000L / rate;
        long[] latencies = new long[count];
        boolean[] ok = new boolean[count];
        AtomicInteger errors = new AtomicInteger();
        CompletableFuture<?>[] pending = new CompletableFuture<?>[count];
        long[] lastDone = new long[1];
        long start = System.nanoTime() + 10_000_000L;
        for (int i = 0; i < count; i++) {
            long scheduled = start + i * interval;
            long wait;
            while ((wait = scheduled - System.nanoTime()) > 0) {
                LockSupport.parkNanos(wait);
            }
            int n = i;
            pending[i] = http.sendAsync(request.get(), HttpResponse.BodyHandlers.ofString())
                    .whenComplete((resp, err) -> {
                        long now = System.nanoTime();
                        latencies[n] = now - scheduled;
                        if (err == null && resp.statusCode() == 200) {
                            ok[n] = true;
                        } else {
                            errors.incrementAndGet();
                        }
                        synchronized (lastDone) {
                            lastDone[0] = Math.max(lastDone[0], now);
                        }
                    });
        }
        try {
            CompletableFuture.allOf(pending).get(60, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            // failures are counted as errors above
        }
        long end;
        synchronized (lastDone) {
            end = lastDone[0];
        }
        long[] good = new long[count];
        int g = 0;
        for (int i = 0; i < count; i++) {
            if (ok[i]) {
                good[g++] = latencies[i];
            }
        }
        long[] sorted = Arrays.copyOf(good, g);
        Arrays.sort(sorted);
        double achieved = count / ((end - start) / 1e9);
        return new Result("", sorted, errors.get(), count, achieved);
    }

    private String markdown(Result ping, Result signed) {
        long memGiB = Math.round(((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getTotalMemorySize() / (1024.0 * 1024 * 1024));
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "API latency at %d req/s, %d s measured per endpoint after %d s warm-up, %s%n%n",
                rate, seconds, warmup, ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ISO_LOCAL_DATE)));
        sb.append("| endpoint | requests | p50 ms | p90 ms | p99 ms | max ms | achieved req/s | errors | p50 / ping p50 |\n");
        sb.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        double base = ping.pct(50);
        for (Result r : new Result[] {ping, signed}) {
            sb.append(String.format(Locale.ROOT, "| %s | %d | %.2f | %.2f | %.2f | %.2f | %.1f | %d | %.2f |%n",
                    r.name(), r.sent(), r.pct(50), r.pct(90), r.pct(99), r.max(), r.achievedRate(), r.errors(),
                    r.pct(50) / base));
        }
        sb.append(String.format(Locale.ROOT, "%nMachine: %s %s, %d cores, %d GiB, Java %s. The cloud API (Vert.x), its embedded "
                        + "PostgreSQL's client pool and the load generator (java.net.http, HTTP/1.1) run in the same JVM "
                        + "(PostgreSQL in its own processes), all on this machine. Latency counts from each request's "
                        + "scheduled send time (open loop); errors are answers other than 200 and failed requests. "
                        + "The machine read stays `provisioning`: no provisioner runs.%n",
                System.getProperty("os.name"), System.getProperty("os.version"), Runtime.getRuntime().availableProcessors(),
                memGiB, System.getProperty("java.version")));
        return sb.toString();
    }

    static void say(String line) {
        System.out.println("[bench] " + line);
        System.out.flush();
    }

    /** Writes a benchmark's Markdown table, making the folder if need be. */
}
