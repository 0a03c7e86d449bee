package io.gantry.bench.api;

import io.gantry.bench.BenchMain;
import io.gantry.bench.BenchResults;
import io.gantry.cloudapi.CloudApi;
import io.gantry.cloudapi.Seed;
import io.gantry.cloudapi.auth.SshPublicKey;
import io.gantry.cloudapi.store.DatabaseConfig;
import io.gantry.common.Json;
import io.gantry.testkit.SignedClient;
import io.gantry.testkit.TestKeys;
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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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
 * in this JVM; the load generator in this JVM too (java.net.http, each request signed anew), or with
 * {@code --load-process} in a JVM of its own ({@link ApiLoad}: fixed rates, then a saturation search).
 * A harness, not a test.
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

    @Option(names = "--load-process", description = "Run the load generator (ApiLoad) in a JVM of its own: fixed rates "
            + "(--rates), then a saturation search, for ping and the signed GET.")
    boolean loadProcess;

    @Option(names = "--rates", split = ",", defaultValue = "200,1000",
            description = "With --load-process: the fixed open-loop rates (default ${DEFAULT-VALUE}).")
    List<Integer> rates;

    @Option(names = "--saturate", defaultValue = "true", negatable = true, fallbackValue = "true",
            description = "With --load-process: search each endpoint's highest sustained rate after the fixed rates (default ${DEFAULT-VALUE}).")
    boolean saturate;

    @Option(names = "--saturate-from", defaultValue = "1000", description = "With --load-process: the search's first rate (default ${DEFAULT-VALUE}).")
    int saturateFrom;

    @Option(names = "--saturate-seconds", defaultValue = "8", description = "With --load-process: measured seconds per search step (default ${DEFAULT-VALUE}).")
    int saturateSeconds;

    @Option(names = "--load-event-loops", defaultValue = "1", description = "With --load-process: the generator's event loops (default ${DEFAULT-VALUE}).")
    int loadEventLoops;

    public static void main(String[] args) {
        BenchMain.run(ApiBench::new, "warn", args);
    }

    @Override
    public Integer call() throws Exception {
        if (rate < 1 || seconds < 1 || warmup < 0) {
            System.err.println("api-bench: --rate and --seconds must be at least 1, --warmup not negative");
            return 2;
        }
        String markdown;
        try (BenchCloudApi server = BenchCloudApi.start(ApiBench::say)) {
            DatabaseConfig db = server.db();
            CloudApi api = server.api();
            String base = server.base();

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

            if (loadProcess) {
                markdown = inOtherProcess(base, path, pair, key.md5Fingerprint(), api);
            } else {
            Supplier<HttpRequest> ping = () -> HttpRequest.newBuilder(URI.create(base + "/--ping"))
                    .timeout(Duration.ofSeconds(10)).header("Accept", "application/json").GET().build();
            Supplier<HttpRequest> signed = () -> signer.request("GET", path, null);

            Result pingResult = run(http, "ping baseline (GET /--ping)", ping);
            Result signedResult = run(http, "signed GET /my/machines/:id", signed);

            markdown = markdown(pingResult, signedResult);
            }
        }
        BenchResults.publish(markdown, report, ApiBench::say);
        return 0;
    }

    /**
     * Runs {@link ApiLoad} as a child JVM on this one's class path against the server in this JVM, echoes its progress,
     * and makes the Markdown of its results. The private key goes over in a file only the owner reads, removed after.
     */
    private String inOtherProcess(String base, String path, KeyPair pair, String fingerprint, CloudApi api) throws Exception {
        Path dir = java.nio.file.Files.createTempDirectory("api-bench");
        Path keyFile = dir.resolve("key");
        try {
            java.nio.file.Files.writeString(keyFile, java.util.Base64.getEncoder().encodeToString(pair.getPrivate().getEncoded()));
            java.nio.file.Files.setPosixFilePermissions(keyFile, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), ApiLoad.class.getName(),
                    "--base", base, "--path", path, "--login", "bench", "--fingerprint", fingerprint, "--key", keyFile.toString(),
                    "--rates", rates.stream().map(String::valueOf).collect(java.util.stream.Collectors.joining(",")),
                    "--seconds", String.valueOf(seconds), "--warmup", String.valueOf(warmup),
                    "--saturate-from", String.valueOf(saturateFrom), "--saturate-seconds", String.valueOf(saturateSeconds),
                    "--event-loops", String.valueOf(loadEventLoops), saturate ? "--saturate" : "--no-saturate"));
            say("load generator in its own JVM: " + ApiLoad.class.getSimpleName() + " --rates " + rates + (saturate ? ", then a saturation search" : ""));
            Process child = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            List<Map<String, Object>> results = new ArrayList<>();
            try (var lines = new java.io.BufferedReader(new java.io.InputStreamReader(child.getInputStream(),
                    java.nio.charset.StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    if (line.startsWith(ApiLoad.RESULT)) {
                        @SuppressWarnings("unchecked")
                        Map<String, Object> r = Json.read(line.substring(ApiLoad.RESULT.length()), Map.class);
                        results.add(r);
                        say("result " + r);
                    } else {
                        System.out.println(line);
                    }
                }
            } finally {
                if (!child.waitFor(30, TimeUnit.SECONDS)) {
                    child.destroyForcibly();
                }
            }
            if (child.exitValue() != 0) {
                throw new IllegalStateException("the load generator exited with " + child.exitValue());
            }
            return separateMarkdown(results);
        } finally {
            java.nio.file.Files.deleteIfExists(keyFile);
            java.nio.file.Files.deleteIfExists(dir);
        }
    }

    private String separateMarkdown(List<Map<String, Object>> results) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "API latency, load generator in its own JVM, %d s per fixed rate after %d s warm-up, %s%n%n",
                seconds, warmup, ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ISO_LOCAL_DATE)));
        sb.append("| endpoint | phase | offered req/s | requests | p50 ms | p90 ms | p99 ms | max ms | achieved req/s | errors | p50 / ping p50 | p99 / ping p99 |\n");
        sb.append("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        Map<String, Map<String, Object>> pings = new java.util.HashMap<>();
        for (Map<String, Object> r : results) {
            if ("ping".equals(r.get("endpoint")) && r.containsKey("p50")) {
                pings.put(r.get("phase") + " " + r.get("rate"), r);
            }
        }
        Map<String, Object> saturated = new java.util.LinkedHashMap<>();
        for (Map<String, Object> r : results) {
            if ("saturated".equals(r.get("phase"))) {
                saturated.put(String.valueOf(r.get("endpoint")), r.get("rate"));
                continue;
            }
            Map<String, Object> ping = pings.get(r.get("phase") + " " + r.get("rate"));
            sb.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |%n",
                    "ping".equals(r.get("endpoint")) ? "`GET /--ping`" : "signed `GET /my/machines/:id`", r.get("phase"), r.get("rate"),
                    r.get("sent"), r.get("p50"), r.get("p90"), r.get("p99"), r.get("max"), r.get("achieved"), r.get("errors"),
                    ratio(r, ping, "p50"), ratio(r, ping, "p99")));
        }
        if (!saturated.isEmpty()) {
            sb.append(String.format(Locale.ROOT, "%nHighest sustained rate (achieved ≥ 95%% of offered, p99 ≤ 1 s, < 1%% errors; steps ×1.25 from %d): %s%n",
                    saturateFrom, saturated.entrySet().stream().map(e -> e.getKey() + " " + e.getValue() + " req/s")
                            .collect(java.util.stream.Collectors.joining(", "))));
        }
        long memGiB = Math.round(((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getTotalMemorySize() / (1024.0 * 1024 * 1024));
        sb.append(String.format(Locale.ROOT, "%nMachine: %s %s, %d cores, %d GiB, Java %s, load average at the end %.2f. The cloud API (Vert.x) "
                        + "in one JVM, the load generator (`ApiLoad`, Vert.x HTTP client, keep-alive, signatures made once per second "
                        + "and path) in another, PostgreSQL in its own processes, all on this machine. Open loop: latency counts "
                        + "from each request's scheduled send time.%n",
                System.getProperty("os.name"), System.getProperty("os.version"), Runtime.getRuntime().availableProcessors(),
                memGiB, System.getProperty("java.version"),
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
        return sb.toString();
    }

    private static String ratio(Map<String, Object> r, Map<String, Object> ping, String key) {
        if (ping == null || !(r.get(key) instanceof Number a) || !(ping.get(key) instanceof Number b) || b.doubleValue() <= 0) {
            return "";
        }
        return String.format(Locale.ROOT, "%.2f", a.doubleValue() / b.doubleValue());
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
