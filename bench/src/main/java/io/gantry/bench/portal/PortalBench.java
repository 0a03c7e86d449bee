package io.gantry.bench.portal;

import io.gantry.bench.BenchMain;
import io.gantry.bench.Samples;
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
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The portal's machines page for an account with 1,000 machines (issue 13): the server time of the call the page
 * makes through the portal ({@code GET /api/machines}) against the cloud API call it stands for ({@code GET
 * /my/machines}), taking turns in the same run, and the time until a browser has drawn the page. The machines run on
 * SIMULATED nodes ({@link SimulatedFleet}); everything else is real: the cloud API on an embedded PostgreSQL, the
 * provisioner and ZooKeeper, in this JVM. A harness, not a test.
 */
@Command(name = "portal-bench", mixinStandardHelpOptions = true,
        description = "Machines page of an account with N machines: portal vs cloud API server time, and browser draw time.")
public final class PortalBench implements Callable<Integer> {
    @Option(names = "--machines", defaultValue = "1000", description = "Machines of the account (default ${DEFAULT-VALUE}).")
    int machines;

    @Option(names = "--rounds", defaultValue = "200", description = "Measured calls per HTTP path (default ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--warmup", defaultValue = "30", description = "Unmeasured calls per HTTP path first (default ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--work-dir", description = "Scratch space, removed afterwards (default: a new temporary folder).")
    Path workDir;

    @Option(names = "--report", description = "Also write the results as Markdown to this file.")
    Path report;

    public static void main(String[] args) {
        if (System.getProperty("org.slf4j.simpleLogger.log.io.gantry") == null) {
            // the platform's simplelogger.properties puts Gantry's own lines at info: one per simulated machine here
            System.setProperty("org.slf4j.simpleLogger.log.io.gantry", "warn");
        }
        BenchMain.run(PortalBench::new, "warn", args);
    }

    @Override
    public Integer call() throws Exception {
        if (machines < 1 || rounds < 1 || warmup < 0) {
            System.err.println("portal-bench: --machines and --rounds must be at least 1, --warmup not negative");
            return 2;
        }
        Path work = workDir != null ? Files.createDirectories(workDir) : Files.createTempDirectory("gantry-portal-bench");
        List<AutoCloseable> started = new ArrayList<>();
        Vertx vertx = Vertx.vertx();
        say("starting embedded PostgreSQL");
        TestPostgres pg = TestPostgres.start(Map.of());
        String markdown;
        try {
            FreshDatabase fresh = pg.freshDatabase("portalbench");
            DatabaseConfig db = new DatabaseConfig(fresh.host(), fresh.port(), fresh.name(), fresh.user(), fresh.password(), 10);
            say("starting the cloud API in this JVM");
            CloudApi api = CloudApi.start(vertx, new CloudApiConfig("127.0.0.1", 0, "http://127.0.0.1", "bench-1", db, null));
            started.add(api);
            String apiBase = "http://127.0.0.1:" + api.port();

            KeyPair pair = TestKeys.rsa();
            SshPublicKey key = SshPublicKey.parse(TestKeys.openSsh(pair, "bench"));
            UUID pkg;
            UUID image;
            String login = "bench";
            try (Seed seed = new Seed(db)) {
                pkg = seed.pkg("bench", 128, 1024, 1, 100, 256, "portal bench", true);
                image = seed.image("busybox", "1.0.0", "other", "busybox", "busybox");
                seed.network("fabric", "10.200.0.0/16", "bench network");
                seed.key(seed.account(login, "bench@example.test"), "bench", key);
            }
            SignedClient signed = new SignedClient(apiBase, login, key.md5Fingerprint(), pair).likeTritonCli();

            say("starting ZooKeeper, a provisioner and SIMULATED nodes for " + machines + " machines");
            started.add(SimulatedFleet.start(work, db, "busybox", machines, 128));
            new MachineMaker(signed::post, fresh, PortalBench::say)
                    .make(login, machines, image.toString(), pkg.toString(), Duration.ofMinutes(20));

            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5)).build();
            Interleaved paths = new Interleaved()
                    .add("cloud API `GET /my/machines`, signed", () -> expectMachines(
                            http.send(signed.request("GET", "/my/machines", null), HttpResponse.BodyHandlers.ofString())));
            say("timing " + rounds + " calls per path, taking turns, after " + warmup + " warm-up calls each");
            Map<String, Samples> results = paths.run(warmup, rounds, PortalBench::say);
            markdown = new PortalReport(machines, rounds, warmup).http(results).markdown();
        } finally {
            say("shutting down");
            for (int i = started.size() - 1; i >= 0; i--) {
                try {
                    started.get(i).close();
                } catch (Exception e) {
                    System.err.println("portal-bench: closing " + started.get(i) + ": " + e);
                }
            }
            vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            pg.close();
            deleteTree(work);
        }
        System.out.println();
        System.out.println(markdown);
        if (report != null) {
            Path parent = report.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(report, markdown);
            say("results written to " + report);
        }
        return 0;
    }

    /** The check that an answer is 200 with every machine of the account in it. */
    private Runnable expectMachines(HttpResponse<String> r) {
        return () -> checkMachines(r);
    }

    private void checkMachines(HttpResponse<String> r) {
        if (r.statusCode() != 200) {
            throw new IllegalStateException(r.uri() + " answered " + r.statusCode() + ": " + r.body());
        }
        List<?> list = Json.read(r.body(), List.class);
        if (list.size() != machines) {
            throw new IllegalStateException(r.uri() + " listed " + list.size() + " machines, not " + machines);
        }
    }

    private static void deleteTree(Path dir) throws java.io.IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    static void say(String line) {
        System.out.println("[portal-bench] " + line);
        System.out.flush();
    }
}
