package io.gantry.bench.api;

import io.gantry.bench.BenchMain;
import io.gantry.common.Json;
import io.gantry.testkit.HttpSigner;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The load generator of {@link ApiBench}, in a process of its own: open-loop requests at fixed rates against a running
 * cloud API, then a saturation search. Requests go over Vert.x's HTTP client with keep-alive connections (as the triton
 * CLI keeps them); a signed request carries {@code Date} and an HTTP Signature over {@code (request-target) date} with
 * an RSA-2048 key, as the triton CLI signs, re-signed whenever the date's second changes (RSA PKCS#1 v1.5 is
 * deterministic: within one second the CLI would send the same bytes). Each result is printed as one JSON line
 * starting with {@code RESULT }; anything else it prints is progress.
 */
@Command(name = "api-load", mixinStandardHelpOptions = true,
        description = "Open-loop load on a running cloud API: GET /--ping and a signed GET, at fixed rates, then a saturation search.")
public final class ApiLoad implements Callable<Integer> {
    static final String RESULT = "RESULT ";
    private static final DateTimeFormatter TRITON_CLI_DATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);

    @Option(names = "--base", required = true, description = "The cloud API's base URL, http://host:port.")
    String base;

    @Option(names = "--path", required = true, description = "The signed GET's path, e.g. /my/machines/<id>.")
    String path;

    @Option(names = "--login", required = true, description = "The account that signs.")
    String login;

    @Option(names = "--fingerprint", required = true, description = "The key's md5 fingerprint.")
    String fingerprint;

    @Option(names = "--key", required = true, description = "File holding the RSA private key, PKCS#8 DER in base64.")
    Path keyFile;

    @Option(names = "--rates", split = ",", defaultValue = "200,1000", description = "Fixed open-loop rates, req/s (default ${DEFAULT-VALUE}).")
    List<Integer> rates;

    @Option(names = "--seconds", defaultValue = "20", description = "Measured seconds per endpoint and rate (default ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--warmup", defaultValue = "5", description = "Unmeasured seconds before the first run of each endpoint (default ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--saturate", defaultValue = "true", negatable = true, fallbackValue = "true",
            description = "Then search each endpoint's highest sustained rate (default ${DEFAULT-VALUE}).")
    boolean saturate;

    @Option(names = "--saturate-from", defaultValue = "1000", description = "First rate of the search (default ${DEFAULT-VALUE}).")
    int saturateFrom;

    @Option(names = "--saturate-step", defaultValue = "1.25", description = "Each next rate of the search, times the last (default ${DEFAULT-VALUE}).")
    double saturateStep;

    @Option(names = "--saturate-max", defaultValue = "20000", description = "Highest rate tried (default ${DEFAULT-VALUE}).")
    int saturateMax;

    @Option(names = "--saturate-seconds", defaultValue = "8", description = "Measured seconds per step of the search (default ${DEFAULT-VALUE}).")
    int saturateSeconds;

    @Option(names = "--connections", defaultValue = "64", description = "Keep-alive connections at most (default ${DEFAULT-VALUE}).")
    int connections;

    @Option(names = "--event-loops", defaultValue = "1", description = "Event loops of the client (default ${DEFAULT-VALUE}).")
    int eventLoops;

    public static void main(String[] args) {
        BenchMain.run(ApiLoad::new, "warn", args);
    }

    /** One endpoint: its name and the request for a given second. */
    private record Target(String name, String path, boolean signed) {
    }

    /** Latencies (ns, sorted) of the answers 200, and the rest. */
    record Outcome(String endpoint, String phase, int rate, int sent, int errors, double achieved, long[] sorted) {
        double pct(double p) {
            if (sorted.length == 0) {
                return Double.NaN;
            }
            int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
            return sorted[Math.max(0, Math.min(i, sorted.length - 1))] / 1e6;
        }

        Map<String, Object> json() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("endpoint", endpoint);
            m.put("phase", phase);
            m.put("rate", rate);
            m.put("sent", sent);
            m.put("errors", errors);
            m.put("achieved", Math.round(achieved * 10) / 10.0);
            m.put("p50", round(pct(50)));
            m.put("p90", round(pct(90)));
            m.put("p99", round(pct(99)));
            m.put("max", round(sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1] / 1e6));
            return m;
        }

        /** Sustained: achieved at least 95% of the rate, p99 at most 1 s, under 1% errors. */
        boolean sustained() {
            return achieved >= 0.95 * rate && pct(99) <= 1000 && errors <= sent / 100;
        }

        private static double round(double ms) {
            return Double.isNaN(ms) ? -1 : Math.round(ms * 100) / 100.0;
        }
    }

    private HttpClient http;
    private HttpSigner signer;
    private String host;
    private int port;
    private volatile long signedSecond = Long.MIN_VALUE;
    private volatile String[] signedHeaders;

    @Override
    public Integer call() throws Exception {
        java.net.URI uri = java.net.URI.create(base);
        host = uri.getHost();
        port = uri.getPort();
        signer = HttpSigner.rsa(login, fingerprint, keyPair(keyFile));
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(eventLoops).setWorkerPoolSize(1));
        http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setPipelining(false).setConnectTimeout(5000)
                .setIdleTimeout(60), new PoolOptions().setHttp1MaxSize(connections).setMaxWaitQueueSize(-1));
        try {
            List<Target> targets = List.of(new Target("ping", "/--ping", false), new Target("signed", path, true));
            for (Target t : targets) {
                if (warmup > 0) {
                    progress(t.name + ": " + warmup + " s warm-up at " + rates.get(0) + " req/s");
                    paced(t, "warmup", rates.get(0), warmup);
                }
                for (int rate : rates) {
                    progress(t.name + ": " + seconds + " s at " + rate + " req/s");
                    report(paced(t, "fixed", rate, seconds));
                }
            }
            if (saturate) {
                for (Target t : targets) {
                    int best = 0;
                    for (double rate = saturateFrom; rate <= saturateMax; rate *= saturateStep) {
                        int r = (int) Math.round(rate);
                        progress(t.name + ": saturation step, " + saturateSeconds + " s at " + r + " req/s");
                        Outcome o = paced(t, "saturation", r, saturateSeconds);
                        report(o);
                        if (!o.sustained()) {
                            break;
                        }
                        best = r;
                        Thread.sleep(1000); // let the queues drain before the next step
                    }
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("endpoint", t.name);
                    m.put("phase", "saturated");
                    m.put("rate", best);
                    System.out.println(RESULT + Json.write(m));
                }
            }
        } finally {
            http.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        return 0;
    }

    private static void report(Outcome o) {
        System.out.println(RESULT + Json.write(o.json()));
        System.out.flush();
    }

    private static void progress(String line) {
        System.out.println("[load] " + line);
        System.out.flush();
    }

    /** The Date and Authorization of a signed GET sent now: signed once per second. */
    private String[] signed(String path) {
        long second = System.currentTimeMillis() / 1000;
        String[] h = signedHeaders;
        if (second != signedSecond || h == null) {
            synchronized (this) {
                if (second != signedSecond || signedHeaders == null) {
                    String date = TRITON_CLI_DATE.format(Instant.ofEpochSecond(second));
                    signedHeaders = new String[] {date, signer.authorization("GET", path, date, true)};
                    signedSecond = second;
                }
                h = signedHeaders;
            }
        }
        return h;
    }

    /**
     * Sends {@code rate * seconds} requests, the i-th at start + i / rate (a pacing thread hands them to the client as
     * their time comes), without waiting for answers; each latency runs from the scheduled time to the whole answer.
     */
    private Outcome paced(Target t, String phase, int rate, int seconds) throws InterruptedException {
        int count = rate * seconds;
        long interval = 1_000_000_000L / rate;
        long[] latencies = new long[count];
        boolean[] ok = new boolean[count];
        AtomicInteger errors = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(count);
        long[] lastDone = {0};
        long start = System.nanoTime() + 10_000_000L;
        for (int i = 0; i < count; i++) {
            long scheduled = start + i * interval;
            long wait;
            while ((wait = scheduled - System.nanoTime()) > 50_000) {
                LockSupport.parkNanos(wait);
            }
            int n = i;
            RequestOptions req = new RequestOptions().setMethod(HttpMethod.GET).setHost(host).setPort(port).setURI(t.path)
                    .setTimeout(30_000).addHeader("Accept", "application/json");
            if (t.signed) {
                String[] h = signed(t.path);
                req.addHeader("Date", h[0]).addHeader("Authorization", h[1]);
            }
            Future<Integer> answer = http.request(req).compose(r -> r.send().compose(resp -> resp.body().map(b -> resp.statusCode())));
            answer.onComplete(ar -> {
                long now = System.nanoTime();
                latencies[n] = now - scheduled;
                if (ar.succeeded() && ar.result() == 200) {
                    ok[n] = true;
                } else {
                    errors.incrementAndGet();
                }
                synchronized (lastDone) {
                    lastDone[0] = Math.max(lastDone[0], now);
                }
                done.countDown();
            });
        }
        done.await(60, TimeUnit.SECONDS);
        long end;
        synchronized (lastDone) {
            end = lastDone[0];
        }
        long[] sorted = new long[count];
        int g = 0;
        for (int i = 0; i < count; i++) {
            if (ok[i]) {
                sorted[g++] = latencies[i];
            }
        }
        sorted = Arrays.copyOf(sorted, g);
        Arrays.sort(sorted);
        int missing = (int) done.getCount();
        double achieved = (count - missing) / ((Math.max(end, start + 1) - start) / 1e9);
        return new Outcome(t.name, phase, rate, count, errors.get() + missing, achieved, sorted);
    }

    /** An RSA key pair from a PKCS#8 private key (its public half derived from the CRT parameters). */
    static KeyPair keyPair(Path file) throws Exception {
        byte[] der = Base64.getDecoder().decode(Files.readString(file).strip());
        KeyFactory rsa = KeyFactory.getInstance("RSA");
        RSAPrivateCrtKey priv = (RSAPrivateCrtKey) rsa.generatePrivate(new PKCS8EncodedKeySpec(der));
        return new KeyPair(rsa.generatePublic(new RSAPublicKeySpec(priv.getModulus(), priv.getPublicExponent())), priv);
    }
}
