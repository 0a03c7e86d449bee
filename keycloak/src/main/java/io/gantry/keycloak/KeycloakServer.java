package io.gantry.keycloak;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;

/**
 * A running Keycloak server ({@code kc.sh start-dev}) on 127.0.0.1 with the {@link DevRealm}
 * imported, in an instance directory of its own ({@link InstanceHome}), its output in
 * {@code <instanceDir>/keycloak.log}. Several run side by side, each on its own port and
 * directory. {@link #close()} stops the Keycloak JVM and its descendants by PID; a JVM shutdown hook
 * does the same if the owner never closes it, and a start stops a Keycloak that a killed JVM left
 * running in the same directory ({@link LeftoverInstance}).
 *
 * <p>Start times measured on the project's 2-core machine (JDK 17, wall clock to the realm's discovery
 * document answering, a fresh database, the realm imported), while other agents' builds loaded it:
 * <ul>
 * <li>the first start on a machine also unpacks the distribution, augments it and makes the database
 *     template ({@link KeycloakDistribution}): 44 s (load ~6) and 75 s (load ~15) for that part;
 * <li>a start from the template with C1 only ({@link KcScript}, what this class runs): 9.8, 12.3, 15.0,
 *     16.7, 19.4 s at load 6–8;
 * <li>the same from the template with the default JIT: 19.7, 20.9, 21.3, 22.3, 23.2, 27.8 s at load
 *     6–8 (16 s once in {@code KeycloakServerTest}); 66–74 s at load 15–18;
 * <li>without the template (schema and master realm made at each start): 30.5 and 46.7 s at load 6–8,
 *     66–117 s at load 15–20. Stack.md measured 20–24 s on an idle machine that way.
 * </ul>
 * Ten password grants take 2.4–3.1 s either way.
 */
public final class KeycloakServer implements AutoCloseable {
    /**
     * How long {@link #start} waits for the realm's discovery document: starts of 70–120 s were seen
     * while five builds shared the machine's two cores.
     */
    public static final Duration START_TIMEOUT = Duration.ofSeconds(300);
    private static final Duration STOP_GRACE = Duration.ofSeconds(30);
    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(15);

    private final Process process;
    private final int port;
    private final Path log;
    private final Thread shutdownHook;
    private volatile boolean closed;

    private KeycloakServer(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
        this.shutdownHook = new Thread(this::stop, "keycloak-stop-" + port);
    }

    /**
     * Starts Keycloak on 127.0.0.1:{@code httpPort} with {@code realm}, its files under {@code instanceDir}
     * (a fresh database each time), and returns once the realm's discovery document answers.
     * {@code progress} gets a line now and then. Fails with the log's last lines when Keycloak exits,
     * or does not answer within {@link #START_TIMEOUT}.
     */
    public static KeycloakServer start(Path instanceDir, int httpPort, DevRealm realm, Consumer<String> progress) throws IOException {
        Files.createDirectories(instanceDir);
        LeftoverInstance.stopIn(instanceDir.resolve(InstanceHome.DIR), progress);
        if (!FreePort.isFree(httpPort)) {
            throw new IOException("port " + httpPort + " on 127.0.0.1 is in use: Keycloak needs a free port");
        }
        Path distribution = KeycloakDistribution.home(progress);
        Path home = InstanceHome.create(instanceDir, distribution, realm);
        Path log = instanceDir.resolve("keycloak.log");
        Files.deleteIfExists(log);
        String baseUrl = baseUrl(httpPort);
        progress.accept("Keycloak: starting on " + baseUrl + " (log: " + log + ")");
        Process process = KcScript.startDev(home, httpPort, log, List.of("--import-realm", "--hostname=" + baseUrl)).start();
        KeycloakServer server = new KeycloakServer(process, httpPort, log);
        Runtime.getRuntime().addShutdownHook(server.shutdownHook);
        try {
            server.awaitReady(progress);
            return server;
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
    }

    /** {@link #start} on a thread of its own: for {@code gantry dev}, which does not wait for Keycloak. */
    public static CompletableFuture<KeycloakServer> startInBackground(Path instanceDir, int httpPort, DevRealm realm,
            Consumer<String> progress) {
        CompletableFuture<KeycloakServer> result = new CompletableFuture<>();
        Thread starter = new Thread(() -> {
            try {
                result.complete(start(instanceDir, httpPort, realm, progress));
            } catch (IOException e) {
                result.completeExceptionally(new CompletionException(e));
            } catch (RuntimeException | Error e) {
                result.completeExceptionally(e);
            }
        }, "keycloak-start-" + httpPort);
        starter.setDaemon(true);
        starter.start();
        return result;
    }

    /** {@code http://127.0.0.1:<port>} */
    public String baseUrl() {
        return baseUrl(port);
    }

    /** The realm's issuer, {@code <baseUrl>/realms/gantry}: the {@code iss} of its tokens. */
    public String issuer() {
        return baseUrl() + "/realms/" + DevRealm.REALM;
    }

    public int port() {
        return port;
    }

    /** Keycloak's output. */
    public Path log() {
        return log;
    }

    /** The PID of the process started ({@code kc.sh}); Keycloak's JVM is its child. */
    public long pid() {
        return process.pid();
    }

    /** Stops Keycloak (SIGTERM, then SIGKILL after 30 s) with every descendant, and waits until they are gone. */
    @Override
    public void close() {
        stop();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs (or ran) stop() itself
        }
    }

    private synchronized void stop() {
        if (!closed) {
            closed = true;
            ProcessTree.terminate(process.toHandle(), STOP_GRACE);
        }
    }

    private void awaitReady(Consumer<String> progress) throws IOException {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest discovery = HttpRequest.newBuilder(URI.create(issuer() + "/.well-known/openid-configuration"))
                .timeout(Duration.ofSeconds(5)).GET().build();
        long started = System.nanoTime();
        long nextProgress = started + PROGRESS_EVERY.toNanos();
        while (true) {
            if (!process.isAlive()) {
                throw new IOException("Keycloak exited (status " + process.exitValue() + ") before it was ready; " + LogTail.of(log, 30));
            }
            if (answers(http, discovery)) {
                progress.accept("Keycloak: ready at " + issuer() + " after " + seconds(started) + " s");
                return;
            }
            long now = System.nanoTime();
            if (now - started > START_TIMEOUT.toNanos()) {
                throw new IOException("Keycloak did not answer at " + issuer() + " within " + START_TIMEOUT.toSeconds() + " s; "
                        + LogTail.of(log, 30));
            }
            if (now > nextProgress) {
                progress.accept("Keycloak: still starting (" + seconds(started) + " s)");
                nextProgress = now + PROGRESS_EVERY.toNanos();
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for Keycloak", e);
            }
        }
    }

    /** Whether the discovery document answers, naming our issuer (not some other server's on the port). */
    private boolean answers(HttpClient http, HttpRequest discovery) {
        try {
            HttpResponse<String> response = http.send(discovery, HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 && response.body().contains("\"issuer\":\"" + issuer() + "\"");
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UncheckedIOException(new IOException("interrupted while waiting for Keycloak", e));
        }
    }

    private static long seconds(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1_000_000_000;
    }

    private static String baseUrl(int port) {
        return "http://127.0.0.1:" + port;
    }
}
