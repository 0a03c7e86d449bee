package io.gantry.platform;

import io.gantry.cloudapi.CloudApi;
import io.gantry.cloudapi.CloudApiConfig;
import io.gantry.cloudapi.OidcSettings;
import io.gantry.common.limits.OverprovisionRatios;
import io.gantry.tls.TlsFiles;
import io.gantry.metering.MeteringConfig;
import io.gantry.metering.MeteringService;
import io.gantry.provisioner.Provisioner;
import io.gantry.provisioner.ProvisionerConfig;
import io.gantry.provisioner.liveness.NodeLiveness;
import io.gantry.common.GantryException;
import io.gantry.record.RoleHeartbeat;
import io.gantry.provisioner.placement.PlacementPolicy;
import io.gantry.provisioner.placement.Strategy;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The service roles of a real deployment, one process each, configured by options, env and $GANTRY_CONFIG. */
final class RoleCommands {
    private RoleCommands() {
    }

    static void printMetrics(MetricsEndpoint metrics) {
        if (metrics.url() != null) {
            System.out.println("metrics for Prometheus on " + metrics.url());
        }
    }

    /** The id given, or this host's name and pid: unique among a role's instances. */
    static String instanceId(String given) throws java.net.UnknownHostException {
        return given.isBlank() ? java.net.InetAddress.getLocalHost().getHostName() + "-" + ProcessHandle.current().pid() : given;
    }

    /** This machine's host name, as the roles' heartbeats give their address (or "localhost" when it has none). */
    static String hostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            return "localhost";
        }
    }

    /** The role's heartbeat in the record, which the operators' health report reads (gantry ops health). */
    static RoleHeartbeat heartbeat(DatabaseOptions db, String role, String instance, String address, java.util.function.BooleanSupplier leader) {
        return RoleHeartbeat.start(db.config().jdbcUrl(), db.config().user(), db.config().password(), role, instance, address, leader,
                RoleHeartbeat.INTERVAL);
    }

    static int runUntilStopped(String what) throws InterruptedException {
        return UntilStopped.await(what + " running; SIGTERM or Ctrl-C stops it", "gantry: " + what + " stopping");
    }

    @Command(name = "cloudapi", defaultValueProvider = ConfigFile.class,
            description = "Serve the Triton-compatible cloud API (migrates the database schema first).")
    static final class CloudApiRole implements Callable<Integer> {
        @Option(names = "--host", defaultValue = "${env:GANTRY_API_HOST:-127.0.0.1}", description = "Listen address (default ${DEFAULT-VALUE}).")
        String host;

        @Option(names = "--port", defaultValue = "${env:GANTRY_API_PORT:-8080}", description = "Listen port (default ${DEFAULT-VALUE}).")
        int port;

        @Option(names = "--public-url", defaultValue = "${env:GANTRY_PUBLIC_URL:-}", description = "URL clients use (ListDatacenters shows it).")
        String publicUrl;

        @Option(names = "--datacenter", defaultValue = "${env:GANTRY_DATACENTER:-dc-1}", description = "Datacenter name (default ${DEFAULT-VALUE}).")
        String datacenter;

        @Option(names = "--max-clock-skew", defaultValue = "${env:GANTRY_MAX_CLOCK_SKEW:-300}", description = "Seconds a signed Date may be off (default ${DEFAULT-VALUE}).")
        int skew;

        @Option(names = "--metering-url", defaultValue = "${env:GANTRY_METERING_URL:-}",
                description = "Base URL of a metering service, which answers usage and budgets (default: none; usage then answers 503).")
        String meteringUrl;

        @Option(names = "--metrics-port", defaultValue = "${env:GANTRY_METRICS_PORT:-9101}",
                description = "Port of GET /metrics for Prometheus, on --host (default ${DEFAULT-VALUE}; -1 for none).")
        int metricsPort;

        @Option(names = "--event-loops", defaultValue = "${env:GANTRY_API_EVENT_LOOPS:-0}",
                description = "Event loops serving requests, one server instance each (default 0: one per core).")
        int eventLoops;

        @Option(names = "--snapshot-limit", defaultValue = "${env:GANTRY_SNAPSHOT_LIMIT:-10}",
                description = "Snapshots a machine may hold (default ${DEFAULT-VALUE}); one more is refused (409).")
        int snapshotLimit;

        @Option(names = "--zk", defaultValue = "${env:GANTRY_ZK:-}",
                description = "ZooKeeper connect string whose members the operators' health report asks (srvr); default: none, and the report"
                        + " says ZooKeeper is not configured.")
        String zk;

        @Option(names = "--oidc-issuer", defaultValue = "${env:GANTRY_OIDC_ISSUER:-}",
                description = "OpenID Connect issuer (a Keycloak realm's URL, e.g. https://sso.example/realms/gantry) whose bearer tokens"
                        + " the API accepts besides signed requests (default: none, signed requests only).")
        String oidcIssuer;

        @Option(names = "--oidc-audience", defaultValue = "${env:GANTRY_OIDC_AUDIENCE:-" + OidcSettings.DEFAULT_AUDIENCE + "}",
                description = "Audience a token must name (aud) to be accepted (default ${DEFAULT-VALUE}).")
        String oidcAudience;

        @Option(names = "--oidc-login-claim", defaultValue = "${env:GANTRY_OIDC_LOGIN_CLAIM:-" + OidcSettings.DEFAULT_LOGIN_CLAIM + "}",
                description = "Token claim that names the account a person's first sign-in creates (default ${DEFAULT-VALUE}).")
        String oidcLoginClaim;

        @Option(names = "--oidc-operator-role", defaultValue = "${env:GANTRY_OIDC_OPERATOR_ROLE:-" + OidcSettings.DEFAULT_OPERATOR_ROLE + "}",
                description = "Realm role (realm_access.roles) that makes a token's holder an operator (default ${DEFAULT-VALUE}).")
        String oidcOperatorRole;

        @Option(names = "--image-store-dir", defaultValue = "${env:GANTRY_IMAGE_STORE_DIR:-}",
                description = "Directory of the image store: image files by sha256, which operators import (POST /ops/images) and nodes"
                        + " fetch (default: none; imports are refused).")
        java.nio.file.Path imageStoreDir;

        @Option(names = "--image-store-host", defaultValue = "${env:GANTRY_IMAGE_STORE_HOST:-}",
                description = "Listen address of the image store (default: --host). It has no authentication: put it on the operators'"
                        + " admin network, which nodes reach and tenants do not.")
        String imageStoreHost;

        @Option(names = "--image-store-port", defaultValue = "${env:GANTRY_IMAGE_STORE_PORT:-8081}",
                description = "Port of the image store (default ${DEFAULT-VALUE}); advertised in ZooKeeper (--zk) for the nodes.")
        int imageStorePort;

        @Spec
        CommandSpec spec;

        @Mixin
        DatabaseOptions db;

        @Mixin
        TlsOptions tls;

        @Mixin
        MeteringCaOption meteringCa;

        /** The image store's directory, or null without --image-store-dir. */
        java.nio.file.Path imageStoreDir() {
            return imageStoreDir == null || imageStoreDir.toString().isBlank() ? null : imageStoreDir.toAbsolutePath();
        }

        /** The bearer-token settings the options give, or null without --oidc-issuer. */
        OidcSettings oidc() {
            if (oidcIssuer == null || oidcIssuer.isBlank()) {
                return null;
            }
            try {
                return new OidcSettings(oidcIssuer.strip(), oidcAudience, oidcLoginClaim, oidcOperatorRole);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "Invalid value for option '--oidc-issuer': " + e.getMessage());
            }
        }

        @Override
        public Integer call() throws Exception {
            if (eventLoops < 0) {
                throw new ParameterException(spec.commandLine(),
                        "Invalid value for option '--event-loops': " + eventLoops + " (at least 1, or 0 for one per core)");
            }
            if (snapshotLimit < 1) {
                throw new ParameterException(spec.commandLine(), "Invalid value for option '--snapshot-limit': " + snapshotLimit + " (at least 1)");
            }
            OidcSettings oidc = oidc();
            TlsFiles tlsFiles = tls.files();
            String url = publicUrl.isBlank() ? tls.scheme() + "://" + host + ":" + port : publicUrl;
            Vertx vertx = Vertx.vertx();
            java.nio.file.Path storeDir = imageStoreDir();
            CloudApiConfig config = new CloudApiConfig(host, port, url, datacenter, db.config(), Duration.ofSeconds(skew),
                    meteringUrl.isBlank() ? null : meteringUrl, eventLoops, tlsFiles, meteringCa.path(), zk, oidc)
                    .withSnapshotLimit(snapshotLimit);
            try (MetricsEndpoint metrics = MetricsEndpoint.start(host, metricsPort);
                 CloudApi api = CloudApi.start(vertx, storeDir == null ? config : config.withImageStore(ImageStoreService.settings(storeDir)),
                         metrics.registry());
                 RoleHeartbeat beat = heartbeat(db, "cloudapi", hostName() + ":" + api.port(), url, () -> false);
                 StartedResources store = imageStore(vertx, storeDir)) {
                System.out.println("cloud API on " + url + " (database " + db.config().jdbcUrl() + ", "
                        + api.eventLoops() + " event loops)");
                if (oidc != null) {
                    System.out.println("bearer tokens of " + oidc.issuer() + " for audience " + oidc.audience() + " accepted");
                }
                printMetrics(metrics);
                return runUntilStopped("cloud API");
            } finally {
                vertx.close();
            }
        }
        /** The image store's server and advert (nothing without --image-store-dir), closed with the role. */
        private StartedResources imageStore(Vertx vertx, java.nio.file.Path dir) throws Exception {
            StartedResources started = new StartedResources("image store");
            if (dir == null) {
                return started;
            }
            try {
                String listen = imageStoreHost == null || imageStoreHost.isBlank() ? host : imageStoreHost;
                org.apache.curator.framework.CuratorFramework client = zk == null || zk.isBlank() ? null : started.add(Coordination.connect(zk));
                ImageStoreService service = started.add(ImageStoreService.start(vertx, dir, listen, imageStorePort,
                        "0.0.0.0".equals(listen) ? hostName() : null, client, instanceId("")));
                System.out.println("image store on " + service.baseUrl() + " (files under " + dir + "; "
                        + (client == null ? "not advertised: no --zk, so nodes do not find it" : "advertised in ZooKeeper") + ")");
                return started;
            } catch (Exception e) {
                started.close();
                throw e;
            }
        }
    }

    @Command(name = "provisioner", defaultValueProvider = ConfigFile.class,
            description = "Join the provisioners' leader election; the leader places machines and dispatches tasks to agents.")
    static final class ProvisionerRole implements Callable<Integer> {
        @Option(names = "--zk", defaultValue = "${env:GANTRY_ZK:-127.0.0.1:2181}", description = "ZooKeeper connect string (default ${DEFAULT-VALUE}).")
        String zk;

        @Option(names = "--id", defaultValue = "${env:GANTRY_PROVISIONER_ID:-}", description = "This instance's id (default: host name and pid).")
        String id;

        @Option(names = "--strategy", defaultValue = "${env:GANTRY_PLACEMENT:-SPREAD}", description = "PACK or SPREAD (default ${DEFAULT-VALUE}).")
        Strategy strategy;

        @Mixin
        OverprovisionOptions overprovision;

        @Option(names = "--overprovision-cpu", defaultValue = "${env:GANTRY_OVERPROVISION_CPU:-4.0}",
                description = "vCPUs placement books per CPU a node advertises (default ${DEFAULT-VALUE}, Triton's; env GANTRY_OVERPROVISION_CPU).")
        double overprovisionCpu;

        @Option(names = "--metrics-host", defaultValue = "${env:GANTRY_METRICS_HOST:-127.0.0.1}",
                description = "Address of GET /metrics (default ${DEFAULT-VALUE}).")
        String metricsHost;

        @Option(names = "--metrics-port", defaultValue = "${env:GANTRY_METRICS_PORT:-9102}",
                description = "Port of GET /metrics for Prometheus (default ${DEFAULT-VALUE}; -1 for none).")
        int metricsPort;

        @Option(names = "--zk-session-ms", defaultValue = "${env:GANTRY_PROVISIONER_ZK_SESSION_MS:-1500}",
                description = "ZooKeeper session of this provisioner: a standby leads this long (plus a tick) after the leader dies "
                        + "(default ${DEFAULT-VALUE}; env GANTRY_PROVISIONER_ZK_SESSION_MS).")
        int zkSessionMs;

        @Option(names = "--beat-host", defaultValue = "${env:GANTRY_BEAT_HOST:-127.0.0.1}",
                description = "Address where this provisioner hears the nodes' UDP beats (default ${DEFAULT-VALUE}; env GANTRY_BEAT_HOST).")
        String beatHost;

        @Option(names = "--beat-port", defaultValue = "${env:GANTRY_BEAT_PORT:-0}",
                description = "UDP port for the nodes' beats, registered in ZooKeeper for the agents (default ${DEFAULT-VALUE}: any free port).")
        int beatPort;

        @Option(names = "--beat-advertised-host", defaultValue = "${env:GANTRY_BEAT_ADVERTISED_HOST:-}",
                description = "Address the agents send beats to (default: --beat-host, or this host's name when that is 0.0.0.0).")
        String beatAdvertisedHost;

        @Option(names = "--node-silence-ms", defaultValue = "${env:GANTRY_NODE_SILENCE_MS:-1400}",
                description = "A node whose beats stop this long is lost: its machines show unknown (default ${DEFAULT-VALUE}; "
                        + "env GANTRY_NODE_SILENCE_MS).")
        int nodeSilenceMs;

        @Mixin
        DatabaseOptions db;

        @Mixin
        TlsOptions tls;

        private NodeLiveness liveness() {
            String advertised = beatAdvertisedHost.isBlank() && "0.0.0.0".equals(beatHost) ? hostName() : beatAdvertisedHost;
            try {
                return new NodeLiveness(Duration.ofMillis(nodeSilenceMs), beatHost, beatPort, advertised);
            } catch (IllegalArgumentException e) {
                throw GantryException.invalid(e.getMessage());
            }
        }

        @Override
        public Integer call() throws Exception {
            TlsFiles tlsFiles = tls.files();
            String me = instanceId(id);
            NodeLiveness liveness = liveness();
            try (MetricsEndpoint metrics = MetricsEndpoint.start(metricsHost, metricsPort);
                 var client = Coordination.connect(zk, Duration.ofMillis(zkSessionMs));
                 var p = Provisioner.start(client, new ProvisionerConfig(me, db.config().jdbcUrl(), db.user, db.password,
                         new PlacementPolicy(new OverprovisionRatios(overprovision.memory, overprovision.disk, overprovisionCpu), strategy, 0), Duration.ofMillis(500))
                                 .withLiveness(liveness),
                         metrics.registry());
                 RoleHeartbeat beat = heartbeat(db, "provisioner", p.id(), hostName(), p::isLeader)) {
                System.out.println("provisioner " + p.id() + " joined the election at " + zk + " (session " + zkSessionMs
                        + " ms); hears node beats on " + p.beatAddress() + " (lost after " + liveness.silence().toMillis() + " ms of silence)");
                printMetrics(metrics);
                return runUntilStopped("provisioner");
            }
        }
    }

    @Command(name = "metering", defaultValueProvider = ConfigFile.class,
            description = "Ingest agents' usage, roll it up (the elected leader), enforce budgets, serve usage, export and /metrics.")
    static final class MeteringRole implements Callable<Integer> {
        @Option(names = "--zk", defaultValue = "${env:GANTRY_ZK:-127.0.0.1:2181}", description = "ZooKeeper connect string (default ${DEFAULT-VALUE}).")
        String zk;

        @Option(names = "--host", defaultValue = "${env:GANTRY_METERING_HOST:-127.0.0.1}", description = "Listen address (default ${DEFAULT-VALUE}).")
        String host;

        @Option(names = "--port", defaultValue = "${env:GANTRY_METERING_PORT:-7090}", description = "Listen port (default ${DEFAULT-VALUE}).")
        int port;

        @Option(names = "--advertised-url", defaultValue = "${env:GANTRY_METERING_URL:-}",
                description = "URL agents send usage to, registered in ZooKeeper (default http://HOST:PORT, https:// with --tls-cert).")
        String advertisedUrl;

        @Option(names = "--id", defaultValue = "${env:GANTRY_METERING_ID:-}", description = "This instance's id (default: host name and pid).")
        String id;

        @Option(names = "--raw-retention-hours", defaultValue = "${env:GANTRY_RAW_RETENTION_HOURS:-48}",
                description = "Hours raw samples are kept once rolled up (default ${DEFAULT-VALUE}).")
        int rawRetentionHours;

        @Option(names = "--minute-retention-days", defaultValue = "${env:GANTRY_MINUTE_RETENTION_DAYS:-35}",
                description = "Days minute roll-ups are kept; hours and days are kept for good (default ${DEFAULT-VALUE}).")
        int minuteRetentionDays;

        @Mixin
        DatabaseOptions db;

        @Mixin
        TlsOptions tls;

        @Override
        public Integer call() throws Exception {
            TlsFiles tlsFiles = tls.files();
            String me = instanceId(id);
            var config = MeteringConfig.of(db.config().jdbcUrl(), db.user, db.password).withListen(host, port).withInstanceId(me)
                    .withAdvertisedUrl(advertisedUrl.isBlank() ? null : advertisedUrl)
                    .withRawRetention(Duration.ofHours(rawRetentionHours))
                    .withMinuteRetention(Duration.ofDays(minuteRetentionDays))
                    .withTls(tlsFiles);
            Vertx vertx = Vertx.vertx();
            var registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            try (var client = Coordination.connect(zk);
                 var metering = MeteringService.start(vertx, client, config, registry);
                 RoleHeartbeat beat = heartbeat(db, "metering", metering.instanceId(), metering.baseUrl(), metering::isLeader)) {
                System.out.println("metering " + metering.instanceId() + " on " + metering.baseUrl() + " (metrics at " + metering.baseUrl()
                        + "/metrics), joined the election at " + zk);
                return runUntilStopped("metering");
            } finally {
                registry.close();
                vertx.close();
            }
        }
    }
}
