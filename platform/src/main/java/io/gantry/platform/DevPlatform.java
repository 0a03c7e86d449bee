package io.gantry.platform;

import io.gantry.agent.ComputeNodeAgent;
import io.gantry.agent.runc.RuncZoneBackend;
import io.gantry.agent.usage.UsageConfig;
import io.gantry.cloudapi.CloudApi;
import io.gantry.cloudapi.CloudApiConfig;
import io.gantry.cloudapi.OidcSettings;
import io.gantry.portal.PortalConfig;
import io.gantry.portal.PortalServer;
import io.gantry.cloudapi.Seed;
import io.gantry.cloudapi.auth.SshKeyPair;
import io.gantry.common.Image;
import io.gantry.common.limits.OverprovisionRatios;
import io.gantry.tls.CertificateAuthority;
import io.gantry.tls.TlsFiles;
import io.gantry.metering.MeteringConfig;
import io.gantry.metering.MeteringService;
import io.gantry.provisioner.Provisioner;
import io.gantry.provisioner.ProvisionerConfig;
import io.gantry.provisioner.placement.PlacementPolicy;
import io.gantry.provisioner.placement.Strategy;
import io.gantry.record.RoleHeartbeat;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.apache.curator.framework.CuratorFramework;

/**
 * Every role in one process on embedded defaults: ZooKeeper, PostgreSQL, the cloud API, metering, a
 * provisioner and this machine's agent with the runc backend and usage sampling. Closing stops them in reverse order;
 * zones keep running and are adopted at the next start.
 */
final class DevPlatform implements AutoCloseable {
    /**
     * vCPUs booked per CPU of the one dev node: a developer's host runs many small, mostly idle zones, and the demo
     * account may have 20 one-vCPU machines even on a two-core laptop (the roles' default is Triton's 4).
     */
    static final double DEV_CPU_RATIO = 16;

    static final String ACCOUNT = "demo";
    /** The operator account gantry dev seeds; its key signs the operator commands (gantry limit). */
    static final String OPERATOR = "admin";
    static final String OPERATOR_KEY_FILE = "gantry-dev-admin_rsa";

    /**
     * {@code tls}: serve the cloud API and metering over HTTPS with a certificate from a CA made (once) under the state
     * dir; the cloud API and the agent trust that CA when they call metering.
     */
    record Settings(String node, Path nodeStateDir, int apiPort, int zkPort, int dbPort, int meteringPort, Path keyDir, boolean tls,
                    int portalPort, int keycloakPort, SignIn signIn, String externalSubnet, int imageStorePort, int snapshotLimit) {
        /** The shared external network gantry dev seeds unless told another subnet: TEST-NET-2, which no real network uses. */
        static final String DEFAULT_EXTERNAL_SUBNET = "198.51.100.0/24";
        static final int DEFAULT_IMAGE_STORE_PORT = 7091;

        Settings(String node, Path nodeStateDir, int apiPort, int zkPort, int dbPort, int meteringPort, Path keyDir, boolean tls,
                 int portalPort, int keycloakPort, SignIn signIn, String externalSubnet) {
            this(node, nodeStateDir, apiPort, zkPort, dbPort, meteringPort, keyDir, tls, portalPort, keycloakPort, signIn, externalSubnet,
                    DEFAULT_IMAGE_STORE_PORT, CloudApiConfig.DEFAULT_SNAPSHOT_LIMIT);
        }

        Settings(String node, Path nodeStateDir, int apiPort, int zkPort, int dbPort, int meteringPort, Path keyDir, boolean tls,
                 int portalPort, int keycloakPort, SignIn signIn) {
            this(node, nodeStateDir, apiPort, zkPort, dbPort, meteringPort, keyDir, tls, portalPort, keycloakPort, signIn,
                    DEFAULT_EXTERNAL_SUBNET);
        }
    }

    /** How gantry dev signs people in to the portal and accepts bearer tokens in the cloud API. */
    enum SignIn {
        /** No identity provider: the portal says sign-in is not configured; the API takes signatures only. */
        NONE,
        /** Configured for the dev Keycloak, which is not started (--once only checks the set-up). */
        CONFIGURED,
        /** Configured, and Keycloak started in the background. */
        KEYCLOAK
    }

    /** Days the dev server certificate is valid; a new one is issued once it has less than a month left. */
    private static final int SERVER_CERTIFICATE_DAYS = 397;

    private final StartedResources started = new StartedResources("gantry");
    String apiUrl;
    String meteringUrl;
    String portalUrl;
    /** Where nodes fetch image files (plain HTTP on loopback: the image store's port belongs on the admin network). */
    String imageStoreUrl;
    /** The issuer the API and the portal trust; null without sign-in. */
    String issuer;
    String keyFingerprint;
    Path privateKey;
    Path operatorKey;
    /** The CA file clients trust with --tls; null without. */
    Path caFile;

    static DevPlatform start(Settings s, RuncZoneBackend backend, Image busybox) throws Exception {
        DevPlatform p = new DevPlatform();
        try {
            p.startAll(s, backend, busybox);
            return p;
        } catch (Exception e) {
            p.close();
            throw e;
        }
    }

    private void startAll(Settings s, RuncZoneBackend backend, Image busybox) throws Exception {
        Path dev = s.nodeStateDir().resolve("dev");
        // a run killed with SIGKILL leaves its PostgreSQL running on the port: stop it before checking the ports
        EmbeddedDatabase.stopStale(dev.resolve("postgres"))
                .ifPresent(pid -> System.out.println("gantry dev: " + EmbeddedDatabase.staleStopped(pid)));
        if (s.signIn() == SignIn.KEYCLOAK) {
            // after the PostgreSQL check, which refuses a state directory another running gantry dev uses
            List<Long> stale = DevSignIn.stopStale(dev.resolve("keycloak"));
            if (!stale.isEmpty()) {
                System.out.println("gantry dev: stopped a stale Keycloak (pids " + stale + ") left by an earlier run of this state directory");
            }
        }
        LoopbackPorts.requireFree(s.zkPort(), "ZooKeeper", "--zk-port");
        LoopbackPorts.requireFree(s.dbPort(), "PostgreSQL", "--db-port");
        LoopbackPorts.requireFree(s.apiPort(), "the cloud API", "--api-port");
        LoopbackPorts.requireFree(s.meteringPort(), "metering", "--metering-port");
        LoopbackPorts.requireFree(s.portalPort(), "the portal", "--portal-port");
        LoopbackPorts.requireFree(s.imageStorePort(), "the image store", "--image-store-port");
        if (s.signIn() == SignIn.KEYCLOAK) {
            LoopbackPorts.requireFree(s.keycloakPort(), "Keycloak", "--keycloak-port");
        }
        step("ZooKeeper (embedded) on 127.0.0.1:" + s.zkPort());
        EmbeddedZooKeeper zk = started.add(EmbeddedZooKeeper.start(dev.resolve("zookeeper"), s.zkPort()));
        step("PostgreSQL (embedded) on 127.0.0.1:" + s.dbPort());
        EmbeddedDatabase db = started.add(EmbeddedDatabase.start(dev.resolve("postgres"), s.dbPort()));
        Vertx vertx = Vertx.vertx();
        started.add((AutoCloseable) () -> vertx.close().toCompletionStage().toCompletableFuture().get());
        // one registry for every role of this process: metering's /metrics shows them all
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        started.add(registry::close);
        TlsFiles tls = s.tls() ? devCertificate(dev.resolve("tls")) : null;
        apiUrl = (tls == null ? "http" : "https") + "://127.0.0.1:" + s.apiPort();
        meteringUrl = (tls == null ? "http" : "https") + "://127.0.0.1:" + s.meteringPort();
        portalUrl = (tls == null ? "http" : "https") + "://127.0.0.1:" + s.portalPort();
        issuer = s.signIn() == SignIn.NONE ? null : DevSignIn.issuer(s.keycloakPort());
        step("cloud API on " + apiUrl + " (migrating the schema" + (issuer == null ? "" : "; bearer tokens of " + issuer) + ")");
        Path imageStoreDir = dev.resolve("imagestore");
        started.add(CloudApi.start(vertx, new CloudApiConfig("127.0.0.1", s.apiPort(), apiUrl, "dev-1", db.config(), null, meteringUrl, 0,
                tls, caFile, zk.connectString(), issuer == null ? null : OidcSettings.of(issuer))
                .withImageStore(ImageStoreService.settings(imageStoreDir)).withSnapshotLimit(s.snapshotLimit()), registry));
        started.add(heartbeat(db, "cloudapi", RoleCommands.hostName() + ":" + s.apiPort(), apiUrl, () -> false));
        step("image store on 127.0.0.1:" + s.imageStorePort() + " (files under " + imageStoreDir + ", advertised in ZooKeeper)");
        CuratorFramework imageStoreZk = started.add(Coordination.connect(zk.connectString()));
        imageStoreUrl = started.add(ImageStoreService.start(vertx, imageStoreDir, "127.0.0.1", s.imageStorePort(), null, imageStoreZk,
                "dev-" + s.node())).baseUrl();
        System.out.println("  seeding account '" + ACCOUNT + "', operator '" + OPERATOR + "', packages, the busybox image and the external network "
                + s.externalSubnet());
        SshKeyPair key = SshKeyPair.generate(s.keyDir(), "gantry-dev-id_rsa");
        keyFingerprint = key.publicKey().md5Fingerprint();
        privateKey = key.privateKeyFile();
        SshKeyPair adminKey = SshKeyPair.generate(s.keyDir(), OPERATOR_KEY_FILE);
        operatorKey = adminKey.privateKeyFile();
        try (Seed seed = new Seed(db.config())) {
            seed.pkg("gantry-128M", 128, 1024, 1, 100, 256, "128 MiB, 1 GiB disk, one CPU", true);
            seed.pkg("gantry-256M", 256, 1024, 1, 100, 512, "256 MiB, 1 GiB disk, one CPU", false);
            seed.pkg("gantry-1G", 1024, 4096, 2, 200, 1024, "1 GiB, 4 GiB disk, two CPUs", false);
            seed.image("busybox", "1.0.0", "other", busybox.id(), "BusyBox from the host's busybox-static");
            // every account has its own default fabric (192.168.128.0/22); this is the shared pool the outside reaches
            seed.network("external", s.externalSubnet(), "the operator's external network: addresses reachable from the host");
            UUID account = seed.account(ACCOUNT, "demo@localhost");
            seed.key(account, "gantry-dev", key.publicKey());
            seed.limit(account, "count", 20, null, null);
            seed.limit(account, "ram", 8192, null, null);
            seed.key(seed.operator(OPERATOR, "admin@localhost"), "gantry-dev-admin", adminKey.publicKey());
        }
        // a new secret each run: Keycloak imports the realm into a fresh database at each start
        String portalSecret = UUID.randomUUID().toString();
        if (s.signIn() == SignIn.KEYCLOAK) {
            step("Keycloak in the background on 127.0.0.1:" + s.keycloakPort() + " (a line says when sign-in is ready)");
            started.add(DevSignIn.startInBackground(dev.resolve("keycloak"), s.keycloakPort(), portalSecret, portalUrl, apiUrl, caFile));
        }
        step("portal on " + portalUrl);
        PortalConfig portalConfig = new PortalConfig("127.0.0.1", s.portalPort(), portalUrl, apiUrl, caFile, issuer, PortalConfig.DEFAULT_CLIENT_ID,
                issuer == null ? null : portalSecret, null, tls, null);
        started.add(PortalServer.start(vertx, portalConfig).toCompletionStage().toCompletableFuture().get());
        step("metering on " + meteringUrl + " (usage, budgets, /metrics)");
        CuratorFramework meteringZk = started.add(Coordination.connect(zk.connectString()));
        MeteringService metering = started.add(MeteringService.start(vertx, meteringZk, MeteringConfig.of(db.config().jdbcUrl(),
                db.config().user(), db.config().password()).withListen("127.0.0.1", s.meteringPort()).withInstanceId("dev-" + s.node())
                .withTls(tls), registry));
        started.add(heartbeat(db, "metering", metering.instanceId(), metering.baseUrl(), metering::isLeader));
        step("agent for node " + s.node() + " (runc; usage sampled every second)");
        CuratorFramework agentZk = started.add(Coordination.connect(zk.connectString()));
        started.add(ComputeNodeAgent.start(agentZk, backend, new ComputeNodeAgent.Config(s.node(), "127.0.0.1", Map.of("dev", "true"),
                UsageConfig.defaults(backend.config().stateDir()).withMeteringCa(caFile), List.of(), Duration.ofSeconds(5)), registry));
        // the provisioner last, so it stops first: a clean stop does not report the node as lost
        step("provisioner (leader election in ZooKeeper)");
        CuratorFramework provisionerZk = started.add(Coordination.connect(zk.connectString()));
        String jdbc = db.config().jdbcUrl();
        Provisioner provisioner = started.add(Provisioner.start(provisionerZk, new ProvisionerConfig("dev-" + s.node(), jdbc, db.config().user(),
                db.config().password(), new PlacementPolicy(new OverprovisionRatios(1.0, 1.0, DEV_CPU_RATIO), Strategy.SPREAD, 0),
                Duration.ofMillis(500)), registry));
        started.add(heartbeat(db, "provisioner", provisioner.id(), RoleCommands.hostName(), provisioner::isLeader));
    }

    /**
     * The CA in {@code dir} (made at the first --tls run and kept, so a client trusts it once) and
     * its server certificate for loopback, issued again only when missing or expiring within a month.
     */
    private TlsFiles devCertificate(Path dir) {
        CertificateAuthority ca = CertificateAuthority.in(dir);
        caFile = ca.certificate();
        Path cert = dir.resolve("server.pem");
        Path key = dir.resolve("server.key");
        if (!CertificateAuthority.validFor(cert, Duration.ofDays(30)) || !Files.isRegularFile(key)) {
            step("TLS: issuing a server certificate for 127.0.0.1 and localhost from the CA " + caFile);
            return ca.issue(cert, key, SERVER_CERTIFICATE_DAYS);
        }
        return new TlsFiles(cert, key);
    }

    private static RoleHeartbeat heartbeat(EmbeddedDatabase db, String role, String instance, String address, BooleanSupplier leader) {
        return RoleHeartbeat.start(db.config().jdbcUrl(), db.config().user(), db.config().password(), role, instance, address, leader,
                RoleHeartbeat.INTERVAL);
    }

    private static void step(String what) {
        System.out.println("  starting " + what);
    }

    @Override
    public void close() {
        started.close();
    }
}
