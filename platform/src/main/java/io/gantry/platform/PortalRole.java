package io.gantry.platform;

import io.gantry.portal.PortalConfig;
import io.gantry.portal.PortalServer;
import io.gantry.tls.CaTrust;
import io.gantry.tls.TlsFiles;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code gantry portal}: the tenants' web portal. It signs people in through an OpenID Connect provider (Keycloak)
 * and calls the cloud API with their tokens; it touches no database and no ZooKeeper, so it writes no role heartbeat
 * (the operators' health report does not list it). The client secret comes from a file, never the command line.
 */
@Command(name = "portal", defaultValueProvider = ConfigFile.class,
        description = "Serve the tenants' web portal: sign-in through OpenID Connect (Keycloak), pages, and the cloud API on the user's behalf.")
final class PortalRole implements Callable<Integer> {
    @Option(names = "--listen-host", defaultValue = "${env:GANTRY_PORTAL_HOST:-127.0.0.1}", description = "Listen address (default ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--listen-port", defaultValue = "${env:GANTRY_PORTAL_PORT:-7070}", description = "Listen port (default ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--public-url", defaultValue = "${env:GANTRY_PORTAL_URL:-}",
            description = "URL browsers reach the portal by; the identity provider sends them back to <it>/callback (default http(s)://HOST:PORT).")
    String publicUrl;

    @Option(names = "--cloudapi-url", defaultValue = "${env:GANTRY_CLOUDAPI_URL:-}", description = "Base URL of the cloud API (required).")
    String cloudApiUrl;

    @Option(names = "--cloudapi-ca", defaultValue = "${env:GANTRY_CLOUDAPI_CA:-}",
            description = "PEM file of the CA that signed the cloud API's HTTPS certificate (default: the JDK's CAs).")
    String cloudApiCa;

    @Option(names = "--oidc-issuer", defaultValue = "${env:GANTRY_OIDC_ISSUER:-}",
            description = "OpenID Connect issuer URL, e.g. https://keycloak.example/realms/gantry (default: none, and the portal says sign-in is not configured).")
    String issuer;

    @Option(names = "--oidc-client-id", defaultValue = "${env:GANTRY_OIDC_CLIENT_ID:-gantry-portal}",
            description = "The portal's client id at the issuer (default ${DEFAULT-VALUE}).")
    String clientId;

    @Option(names = "--oidc-client-secret-file", defaultValue = "${env:GANTRY_OIDC_CLIENT_SECRET_FILE:-}",
            description = "File holding the portal client's secret (its first line); required with --oidc-issuer.")
    String clientSecretFile;

    @Option(names = "--oidc-ca", defaultValue = "${env:GANTRY_OIDC_CA:-}",
            description = "PEM file of the CA that signed the issuer's HTTPS certificate (default: the JDK's CAs).")
    String issuerCa;

    @Option(names = "--session-idle-minutes", defaultValue = "${env:GANTRY_PORTAL_SESSION_IDLE_MINUTES:-30}",
            description = "Minutes a session lives without a request (default ${DEFAULT-VALUE}).")
    int sessionIdleMinutes;

    @Mixin
    TlsOptions tls;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PortalConfig config = config();
        Vertx vertx = Vertx.vertx();
        try (PortalServer portal = PortalServer.start(vertx, config).toCompletionStage().toCompletableFuture().get()) {
            System.out.println("portal on " + portal.url() + " (cloud API " + config.cloudApiUrl() + ", sign-in "
                    + (config.signInConfigured() ? "through " + config.issuer() : "not configured") + ")");
            return RoleCommands.runUntilStopped("portal");
        } catch (java.util.concurrent.ExecutionException e) {
            throw new io.gantry.common.GantryException(io.gantry.common.ErrorCode.ServiceUnavailable,
                    "the portal could not start on " + host + ":" + port + ": " + e.getCause().getMessage());
        } finally {
            vertx.close();
        }
    }

    /** The options as the portal's settings; a usage error (exit 2) names the option that is wrong. */
    PortalConfig config() {
        if (cloudApiUrl == null || cloudApiUrl.isBlank()) {
            throw usage("--cloudapi-url is required: the portal reaches the platform only through the cloud API");
        }
        if (sessionIdleMinutes < 1) {
            throw usage("Invalid value for option '--session-idle-minutes': " + sessionIdleMinutes + " (at least 1)");
        }
        TlsFiles tlsFiles = tls.files();
        String secret = null;
        if (!blank(issuer)) {
            if (blank(clientSecretFile)) {
                throw usage("--oidc-issuer needs --oidc-client-secret-file (the portal client's secret, in a file)");
            }
            secret = readSecret(Path.of(clientSecretFile));
        }
        try {
            return new PortalConfig(host, port, blank(publicUrl) ? null : publicUrl, cloudApiUrl, caFile(cloudApiCa, "--cloudapi-ca"),
                    blank(issuer) ? null : issuer, clientId, secret, caFile(issuerCa, "--oidc-ca"), tlsFiles,
                    Duration.ofMinutes(sessionIdleMinutes));
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
    }

    private String readSecret(Path file) {
        try {
            String first = Files.readAllLines(file).stream().findFirst().orElse("").strip();
            if (first.isEmpty()) {
                throw usage("--oidc-client-secret-file " + file + " is empty");
            }
            return first;
        } catch (IOException e) {
            throw usage("cannot read --oidc-client-secret-file " + file + ": " + e.getMessage());
        }
    }

    private Path caFile(String file, String option) {
        if (blank(file)) {
            return null;
        }
        try {
            return CaTrust.of(Path.of(file)).file();
        } catch (IllegalArgumentException e) {
            throw usage(option + ": " + e.getMessage());
        }
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
