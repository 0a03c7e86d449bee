package io.gantry.bench.portal;

import io.gantry.bench.BenchMain;
import io.gantry.bench.BenchResults;
import io.gantry.bench.Samples;
import io.gantry.cloudapi.CloudApi;
import io.gantry.cloudapi.CloudApiConfig;
import io.gantry.cloudapi.OidcSettings;
import io.gantry.cloudapi.Seed;
import io.gantry.cloudapi.auth.SshPublicKey;
import io.gantry.cloudapi.store.DatabaseConfig;
import io.gantry.common.Json;
import io.gantry.keycloak.DevRealm;
import io.gantry.keycloak.KeycloakServer;
import io.gantry.portal.PortalConfig;
import io.gantry.portal.PortalServer;
import io.gantry.testkit.BearerClient;
import io.gantry.testkit.FreshDatabase;
import io.gantry.testkit.LoopbackPort;
import io.gantry.testkit.SignedClient;
import io.gantry.testkit.TestKeys;
import io.gantry.testkit.TestPostgres;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The portal's machines page for an account with 1,000 machines (issue 13): the server time of the call the page
 * makes through the portal ({@code GET /api/machines}) against the cloud API call the portal makes for it ({@code GET
 * /my/machines} with the person's bearer token), taking turns in the same run, and the time until a headless
 * chromium has drawn the page. The machines run on SIMULATED nodes ({@link SimulatedFleet}); everything else is real
 * and in this JVM except Keycloak and chromium: the cloud API on an embedded PostgreSQL, the provisioner and
 * ZooKeeper, the portal, and a real Keycloak (its own JVM) that the browser signs in on. A harness, not a test.
 */
@Command(name = "portal-bench", mixinStandardHelpOptions = true,
        description = "Machines page of an account with N machines: portal vs cloud API server time, and browser draw time.")
public final class PortalBench implements Callable<Integer> {
    static final String USER = "alice";
    static final String PASSWORD = "alice-pw";
    /** The page's call, as machines.js makes it (after /api or /my). */
    static final String LIST = "/machines?limit=1000";
    /** The machines page's rows. */
    static final String ROWS = "#machines tbody tr";

    @Option(names = "--machines", defaultValue = "1000", description = "Machines of the account (default ${DEFAULT-VALUE}).")
    int machines;

    @Option(names = "--rounds", defaultValue = "200", description = "Measured calls per HTTP path (default ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--warmup", defaultValue = "30", description = "Unmeasured calls per HTTP path first (default ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--page-loads", defaultValue = "20", description = "Measured loads of the machines page (default ${DEFAULT-VALUE}).")
    int pageLoads;

    @Option(names = "--page-warmup", defaultValue = "3", description = "Unmeasured loads of the page first (default ${DEFAULT-VALUE}).")
    int pageWarmup;

    @Option(names = "--chromium", defaultValue = "/usr/bin/chromium", description = "The browser (default ${DEFAULT-VALUE}).")
    Path chromium;

    @Option(names = "--chromedriver", defaultValue = "/usr/bin/chromedriver", description = "Its driver (default ${DEFAULT-VALUE}).")
    Path chromedriver;

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
        if (machines < 1 || machines > 1000 || rounds < 1 || warmup < 0 || pageLoads < 1 || pageWarmup < 0) {
            System.err.println("portal-bench: --machines must be 1-1000 (the page lists one page of at most 1,000), --rounds and "
                    + "--page-loads at least 1, the warm-ups not negative");
            return 2;
        }
        for (Path p : List.of(chromium, chromedriver)) {
            if (!Files.isExecutable(p)) {
                System.err.println("portal-bench: " + p + " is not an executable (apt-get install chromium chromium-driver, or "
                        + "--chromium / --chromedriver)");
                return 2;
            }
        }
        Path work = workDir != null ? Files.createDirectories(workDir) : Files.createTempDirectory("gantry-portal-bench");
        List<AutoCloseable> started = new ArrayList<>();
        Vertx vertx = Vertx.vertx();
        String portalUrl = "http://127.0.0.1:" + LoopbackPort.free();
        int keycloakPort = LoopbackPort.free();
        String issuer = "http://127.0.0.1:" + keycloakPort + "/realms/gantry";
        String secret = UUID.randomUUID().toString();
        DevRealm realm = DevRealm.standard(secret, List.of(portalUrl + "/callback"), List.of(portalUrl + "/signed-out.html"))
                .withAccessTokenLifespan(Duration.ofMinutes(30));
        say("starting Keycloak in the background (its own JVM, port " + keycloakPort + ")");
        CompletableFuture<KeycloakServer> keycloak = KeycloakServer.startInBackground(work.resolve("keycloak"), keycloakPort,
                realm, line -> say("keycloak: " + line));
        TestPostgres pg = null;
        PortalReport result;
        try {
            say("starting embedded PostgreSQL");
            pg = TestPostgres.start(Map.of());
            FreshDatabase fresh = pg.freshDatabase("portalbench");
            DatabaseConfig db = new DatabaseConfig(fresh.host(), fresh.port(), fresh.name(), fresh.user(), fresh.password(), 10);
            say("starting the cloud API (accepting the realm's tokens) and the portal in this JVM");
            CloudApi api = CloudApi.start(vertx, new CloudApiConfig("127.0.0.1", 0, "http://127.0.0.1", "bench-1", db, null)
                    .withOidc(OidcSettings.of(issuer)));
            started.add(api);
            String apiBase = "http://127.0.0.1:" + api.port();
            int portalPort = URI.create(portalUrl).getPort();
            PortalServer portal = PortalServer.start(vertx, PortalConfig.of("127.0.0.1", portalPort, apiBase, issuer, secret)
                    .withPublicUrl(portalUrl)).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
            started.add(portal);

            UUID pkg;
            UUID image;
            try (Seed seed = new Seed(db)) {
                pkg = seed.pkg("bench", 128, 1024, 1, 100, 256, "portal bench", true);
                image = seed.image("busybox", "1.0.0", "other", "busybox", "busybox");
                seed.network("fabric", "10.200.0.0/16", "bench network");
            }
            say("starting ZooKeeper, a provisioner and SIMULATED nodes for " + machines + " machines");
            started.add(SimulatedFleet.start(work, db, "busybox", machines, 128));

            keycloak.get(5, TimeUnit.MINUTES); // stopped below, after everything that uses it
            say("Keycloak is up; " + USER + "'s first bearer call creates the account");
            String token = PasswordGrant.accessToken(issuer, DevRealm.CLI_CLIENT, USER, PASSWORD);
            BearerClient bearer = new BearerClient(apiBase, token);
            SignedClient.Reply me = bearer.get("/my");
            if (me.status() != 200) {
                throw new IllegalStateException("GET /my with " + USER + "'s token answered " + me);
            }
            // the account starts with the operators' default limits (20 machines): lifted, as an operator would
            fresh.execute("delete from provision_limits where account_id = (select id from accounts where login = ?)", USER);
            KeyPair pair = TestKeys.rsa();
            SshPublicKey key = SshPublicKey.parse(TestKeys.openSsh(pair, "bench"));
            SignedClient.Reply added = bearer.post("/my/keys", Map.of("name", "bench", "key", TestKeys.openSsh(pair, "bench")));
            if (added.status() != 201) {
                throw new IllegalStateException("POST /my/keys with " + USER + "'s token answered " + added);
            }
            SignedClient signed = new SignedClient(apiBase, USER, key.md5Fingerprint(), pair).likeTritonCli();
            new MachineMaker(bearer::post, fresh, PortalBench::say)
                    .make(USER, machines, image.toString(), pkg.toString(), Duration.ofMinutes(20));

            say("starting chromium; signing in through the Keycloak page");
            try (BrowserSession browser = BrowserSession.start(chromium, chromedriver, work)) {
                String page = portalUrl + "/machines.html";
                browser.signIn(page, USER, PASSWORD);
                String session = browser.cookie(PortalServer.SESSION_COOKIE);
                browser.watchForRows(ROWS, machines);
                browser.blank(); // the page polls its list every 2 s: not while the server times are taken

                HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                        .connectTimeout(Duration.ofSeconds(5)).build();
                HttpRequest viaPortal = HttpRequest.newBuilder(URI.create(portalUrl + "/api" + LIST)).timeout(Duration.ofSeconds(30))
                        .header("Accept", "application/json").header("Cookie", PortalServer.SESSION_COOKIE + "=" + session).GET().build();
                HttpRequest withBearer = HttpRequest.newBuilder(URI.create(apiBase + "/my" + LIST)).timeout(Duration.ofSeconds(30))
                        .header("Accept", "application/json").header("Authorization", "Bearer " + token).GET().build();
                Interleaved paths = new Interleaved()
                        .add("cloud API `GET /my" + LIST + "`, bearer token (the call the portal makes; baseline)",
                                () -> expectMachines(http.send(withBearer, HttpResponse.BodyHandlers.ofString())))
                        .add("portal `GET /api" + LIST + "`, session cookie (the page's call: the portal, then the row above)",
                                () -> expectMachines(http.send(viaPortal, HttpResponse.BodyHandlers.ofString())))
                        .add("cloud API `GET /my" + LIST + "`, HTTP Signature (as the triton CLI signs; for reference)",
                                () -> expectMachines(http.send(signed.request("GET", "/my" + LIST, null), HttpResponse.BodyHandlers.ofString())));
                HttpResponse<String> one = http.send(viaPortal, HttpResponse.BodyHandlers.ofString());
                expectMachines(one).run();
                say("timing " + rounds + " calls per path, taking turns, after " + warmup + " warm-up calls each");
                double loadBefore = loadAverage();
                Map<String, Samples> server = paths.run(warmup, rounds, PortalBench::say);
                double loadAfter = loadAverage();

                say("loading the machines page " + pageWarmup + " + " + pageLoads + " times");
                Map<String, Samples> loads = pageLoads(browser, page);
                result = new PortalReport(machines, rounds, warmup).http(server)
                        .browser("headless Debian chromium " + chromiumVersion() + " (" + String.join(" ", BrowserSession.FLAGS)
                                + "), signed in, assets cached after the warm-up loads", loads)
                        .note(String.format(Locale.ROOT, "%nThe list is %,d bytes of JSON (%d machines). The machine's load average "
                                + "(1 min) was %.1f when the server timings began and %.1f when they ended, on %d cores.",
                                one.body().getBytes(java.nio.charset.StandardCharsets.UTF_8).length, machines, loadBefore, loadAfter,
                                Runtime.getRuntime().availableProcessors()));
            }
        } finally {
            say("shutting down");
            for (int i = started.size() - 1; i >= 0; i--) {
                try {
                    started.get(i).close();
                } catch (Exception e) {
                    System.err.println("portal-bench: closing " + started.get(i) + ": " + e);
                }
            }
            if (!keycloak.isDone()) {
                say("waiting for Keycloak's start to end, to stop it");
            }
            try {
                keycloak.get(5, TimeUnit.MINUTES).close();
            } catch (Exception e) {
                System.err.println("portal-bench: Keycloak: " + e);
            }
            vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            if (pg != null) {
                pg.close();
            }
            deleteTree(work);
        }
        String markdown = result.markdown();
        BenchResults.publish(markdown, report, PortalBench::say);
        return 0;
    }

    private Map<String, Samples> pageLoads(BrowserSession browser, String page) {
        Map<String, Samples> out = new LinkedHashMap<>();
        Samples answered = new Samples();
        Samples fetch = new Samples();
        Samples drawn = new Samples();
        out.put("navigation start → the page's `GET /api" + LIST + "` answered (resource timing `responseEnd`)", answered);
        out.put("that fetch alone, as the browser saw it (resource timing `duration`)", fetch);
        out.put("**navigation start → the first frame holding all " + machines + " rows painted**", drawn);
        for (int i = -pageWarmup; i < pageLoads; i++) {
            BrowserSession.Load load = browser.load(page, "/api/machines");
            long rows = browser.count(ROWS);
            String summary = browser.text("#summary");
            String expected = String.format(Locale.ROOT, "Showing %d of %d machines.", machines, machines);
            if (rows != machines || !summary.equals(expected) || Double.isNaN(load.apiResponseEnd()) || load.apiResponseEnd() < 0) {
                throw new IllegalStateException("page load " + i + ": " + rows + " rows, summary '" + summary + "', " + load);
            }
            if (i >= 0) {
                answered.add((long) (load.apiResponseEnd() * 1e6));
                fetch.add((long) (load.apiDuration() * 1e6));
                drawn.add((long) (load.drawn() * 1e6));
            }
        }
        browser.blank();
        return out;
    }

    private static double loadAverage() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    private String chromiumVersion() {
        try {
            Process p = new ProcessBuilder(chromium.toString(), "--version").redirectErrorStream(true).start();
            String v = new String(p.getInputStream().readAllBytes()).trim();
            p.waitFor(10, TimeUnit.SECONDS);
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\d+(\\.\\d+){3}").matcher(v);
            return m.find() ? m.group() : "(version unknown)";
        } catch (Exception e) {
            return "(version unknown)";
        }
    }

    /** The check that an answer is 200 with every machine of the account in it. */
    private Runnable expectMachines(HttpResponse<String> r) {
        return () -> {
            if (r.statusCode() != 200) {
                throw new IllegalStateException(r.uri() + " answered " + r.statusCode() + ": " + r.body());
            }
            List<?> list = Json.read(r.body(), List.class);
            if (list.size() != machines) {
                throw new IllegalStateException(r.uri() + " listed " + list.size() + " machines, not " + machines);
            }
        };
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
