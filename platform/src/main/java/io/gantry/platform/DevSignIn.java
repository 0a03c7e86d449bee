package io.gantry.platform;

import io.gantry.keycloak.DevRealm;
import io.gantry.keycloak.KeycloakServer;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * gantry dev's sign-in: a Keycloak with the dev realm (the portal's client with this run's secret and redirect URIs,
 * alice and olga), started in the background so the platform does not wait the half minute it takes. A line says
 * when sign-in is ready (or why it is not); closing stops Keycloak, also one still starting.
 */
final class DevSignIn implements AutoCloseable {
    static final String TENANT = "alice";
    static final String OPERATOR = "olga";

    private final CompletableFuture<KeycloakServer> starting;
    private volatile boolean closed;

    private DevSignIn(CompletableFuture<KeycloakServer> starting) {
        this.starting = starting;
    }

    /**
     * Stops a Keycloak an earlier run of this state directory left running (gantry dev killed with SIGKILL, whose
     * shutdown hooks never ran): its processes name {@code instanceDir} on their command line. Returns the pids stopped.
     */
    static List<Long> stopStale(Path instanceDir) {
        String dir = instanceDir.toAbsolutePath().normalize() + "/";
        long self = ProcessHandle.current().pid();
        List<ProcessHandle> stale = ProcessHandle.allProcesses()
                .filter(p -> p.pid() != self && p.info().commandLine().map(c -> c.contains(dir)).orElse(false)).toList();
        stale.forEach(ProcessHandle::destroy);
        for (ProcessHandle p : stale) {
            try {
                p.onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
            } catch (Exception e) {
                p.destroyForcibly();
            }
        }
        return stale.stream().map(ProcessHandle::pid).toList();
    }

    /** The issuer Keycloak on {@code port} will have: what the cloud API and the portal are configured with before it runs. */
    static String issuer(int port) {
        return "http://127.0.0.1:" + port + "/realms/" + DevRealm.REALM;
    }

    /** {@code caFile}: the CA the cloud API's certificate comes from (gantry dev --tls), which curl must trust; null for plain HTTP. */
    static DevSignIn startInBackground(Path instanceDir, int port, String portalSecret, String portalUrl, String apiUrl, Path caFile) {
        DevRealm realm = DevRealm.standard(portalSecret, List.of(portalUrl + "/callback"), List.of(portalUrl + "/signed-out.html"));
        CompletableFuture<KeycloakServer> starting = KeycloakServer.startInBackground(instanceDir, port, realm,
                line -> System.out.println("  " + line));
        DevSignIn signIn = new DevSignIn(starting);
        starting.whenComplete((keycloak, failure) -> {
            if (signIn.closed) {
                if (keycloak != null) {
                    keycloak.close();
                }
                return;
            }
            if (failure != null) {
                System.out.println("gantry dev: sign-in unavailable: Keycloak did not start (" + firstLine(failure)
                        + "); the portal answers a retry page until it does. Log: " + instanceDir.resolve("keycloak.log"));
                return;
            }
            printReady(keycloak, portalUrl, apiUrl, caFile);
        });
        return signIn;
    }

    private static void printReady(KeycloakServer keycloak, String portalUrl, String apiUrl, Path caFile) {
        System.out.println();
        System.out.println("gantry dev: sign-in ready: open " + portalUrl + " and sign in as " + TENANT + " / " + TENANT + "-pw (tenant) or "
                + OPERATOR + " / " + OPERATOR + "-pw (operator)");
        System.out.println("  Keycloak is on " + keycloak.baseUrl() + ". A bearer token for curl, without the triton CLI"
                + " (the first request with it creates the account):");
        System.out.println("  TOKEN=$(curl -s -d grant_type=password -d client_id=" + DevRealm.CLI_CLIENT + " -d username=" + TENANT
                + " -d password=" + TENANT + "-pw " + keycloak.issuer() + "/protocol/openid-connect/token | jq -r .access_token)");
        System.out.println("  curl -s " + (caFile == null ? "" : "--cacert " + caFile + " ") + "-H \"Authorization: Bearer $TOKEN\" " + apiUrl
                + "/my/machines");
    }

    private static String firstLine(Throwable failure) {
        Throwable t = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        String m = t.getMessage() == null ? t.toString() : t.getMessage();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    /**
     * Stops Keycloak. One still starting is stopped as soon as its start ends (and by its own JVM shutdown hook when
     * gantry dev exits first): Ctrl-C does not wait for it.
     */
    @Override
    public void close() {
        closed = true;
        if (starting.isDone() && !starting.isCompletedExceptionally()) {
            starting.join().close();
        }
    }
}
