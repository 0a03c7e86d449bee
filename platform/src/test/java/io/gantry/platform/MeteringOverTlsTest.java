package io.gantry.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.gantry.agent.sim.SimulatedZoneBackend;
import io.gantry.agent.usage.MeteringEndpoints;
import io.gantry.agent.usage.UsageConfig;
import io.gantry.agent.usage.UsageMetering;
import io.gantry.cloudapi.CloudApi;
import io.gantry.cloudapi.CloudApiConfig;
import io.gantry.cloudapi.Seed;
import io.gantry.cloudapi.auth.SshPublicKey;
import io.gantry.cloudapi.store.DatabaseConfig;
import io.gantry.common.Package;
import io.gantry.common.ZoneSpec;
import io.gantry.metering.MeteringConfig;
import io.gantry.metering.MeteringService;
import io.gantry.testkit.FreshDatabase;
import io.gantry.testkit.SignedClient;
import io.gantry.testkit.TestKeys;
import io.gantry.testkit.TestPostgres;
import io.gantry.testkit.TestZooKeeper;
import io.gantry.tls.CertificateAuthority;
import io.gantry.tls.TlsFiles;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Metering served over HTTPS with a certificate from a private CA (made by {@link CertificateAuthority}, as
 * {@code gantry dev --tls} makes one): the agent's usage pipeline (sampler, journal, shipper; SIMULATED zones) ships
 * to it when it trusts that CA, and is refused with a clear reason when it trusts another; the cloud API reads usage
 * from it the same way. Real metering, ZooKeeper and PostgreSQL.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MeteringOverTlsTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    static Path dir;
    private Vertx vertx;
    private FreshDatabase database;
    private CuratorFramework zk;
    private MeteringService metering;
    private CertificateAuthority ca;
    private CertificateAuthority otherCa;

    @BeforeAll
    void startMeteringOverTls() throws Exception {
        ca = CertificateAuthority.in(dir.resolve("ca"));
        otherCa = CertificateAuthority.in(dir.resolve("other-ca"));
        TlsFiles tls = ca.issue(dir.resolve("metering.pem"), dir.resolve("metering.key"), 2);
        vertx = Vertx.vertx();
        database = TestPostgres.shared().freshDatabase("metering_tls").migrate("classpath:db/migration");
        zk = TestZooKeeper.shared().newClient();
        metering = MeteringService.start(vertx, zk, MeteringConfig.of(database.jdbcUrl(), database.user(), database.password())
                .withListen("127.0.0.1", 0).withInstanceId("tls-" + UUID.randomUUID()).withTls(tls),
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        assertThat(metering.baseUrl()).startsWith("https://127.0.0.1:");
    }

    @AfterAll
    void stop() throws Exception {
        if (metering != null) {
            metering.close();
        }
        if (zk != null) {
            zk.close();
        }
        if (vertx != null) {
            vertx.close().toCompletionStage().toCompletableFuture().get();
        }
    }

    private UsageMetering agentTrusting(Path caFile, Path journal) {
        UsageConfig config = UsageConfig.defaults(journal).withSampleInterval(Duration.ofMillis(100))
                .withShipping(2000, Duration.ofMillis(100), Duration.ofMillis(50), Duration.ofMillis(200)).withMeteringCa(caFile);
        UsageMetering usage = UsageMetering.start(new SimulatedZoneBackend(Set.of("img"), Clock.systemUTC()), "tls-node", config,
                MeteringEndpoints.fixed(List.of(URI.create(metering.baseUrl()))), new SimpleMeterRegistry());
        usage.backend().create(new ZoneSpec(UUID.randomUUID(), null, "acme", "img", Package.custom(64, 50, 64, 64)));
        return usage;
    }

    private long stored(String node) {
        return database.scalar("select count(*) from metering.usage_raw where node = ?", node);
    }

    @Test
    void theAgentTrustingTheCaShipsUsageOverTls() throws Exception {
        try (UsageMetering usage = agentTrusting(ca.certificate(), dir.resolve("trusting"))) {
            Poll.until(WAIT, () -> assertThat(usage.recordsAcked()).as("records metering acknowledged").isGreaterThanOrEqualTo(3));
            assertThat(usage.shipFailures()).isZero();
            assertThat(usage.lastShipFailure()).isNull();
        }
        assertThat(stored("tls-node")).as("usage rows metering stored").isGreaterThanOrEqualTo(3);
    }

    @Test
    void anAgentTrustingAnotherCaIsRefusedAndSaysWhy() throws Exception {
        try (UsageMetering usage = agentTrusting(otherCa.certificate(), dir.resolve("distrusting"))) {
            Poll.until(WAIT, () -> assertThat(usage.shipFailures()).isGreaterThanOrEqualTo(2));
            assertThat(usage.recordsAcked()).as("nothing crosses an untrusted handshake").isZero();
            assertThat(usage.backlog()).isPositive();
            assertThat(usage.lastShipFailure()).contains(metering.baseUrl())
                    .contains("TLS handshake failed, metering's certificate is not trusted (not signed by the CA in "
                            + otherCa.certificate() + ")");
        }
    }

    @Test
    void theCloudApiReadsUsageFromMeteringOverTlsWithTheCa() throws Exception {
        DatabaseConfig db = new DatabaseConfig(database.host(), database.port(), database.name(), database.user(), database.password(), 4);
        KeyPair key = TestKeys.rsa();
        SshPublicKey pub = SshPublicKey.parse(TestKeys.openSsh(key, "tls"));
        String login = "tls" + UUID.randomUUID().toString().substring(0, 8);
        try (Seed seed = new Seed(db)) {
            seed.key(seed.account(login, login + "@example.test"), "k", pub);
        }
        for (Path trusted : List.of(ca.certificate(), otherCa.certificate())) {
            try (CloudApi api = CloudApi.start(vertx, new CloudApiConfig("127.0.0.1", 0, "http://127.0.0.1", "tls-1", db, null,
                    metering.baseUrl(), 1, null).withMeteringCa(trusted))) {
                SignedClient tenant = new SignedClient("http://127.0.0.1:" + api.port(), login, pub.md5Fingerprint(), key);
                var usage = tenant.get("/my/usage?granularity=minute");
                if (trusted.equals(ca.certificate())) {
                    assertThat(usage.status()).as(usage.body()).isEqualTo(200);
                } else {
                    assertThat(usage.status()).as(usage.body()).isEqualTo(503);
                    assertThat(usage.json()).containsEntry("code", "ServiceUnavailable");
                    assertThat(usage.json().get("message").toString()).contains("the metering service at " + metering.baseUrl()
                            + " cannot be reached");
                }
            }
        }
    }

    @Test
    void aMeteringCaFileThatHoldsNoCertificateIsAUsageError() throws Exception {
        Path junk = Files.writeString(dir.resolve("junk.pem"), "not a certificate\n");
        GantryRun agent = GantryRun.of(List.of("--node", "tls-cli", "--state-dir", dir.resolve("state").toString(), "agent",
                "--metering-ca", junk.toString()));
        assertThat(agent.exit()).as(agent.toString()).isEqualTo(2);
        assertThat(agent.err().strip()).doesNotContain("\n").startsWith("gantry: --metering-ca: CA file " + junk)
                .contains("[InvalidArgument]");
        Path missing = dir.resolve("none.pem");
        GantryRun budgets = GantryRun.of(List.of("budget", "list", "acme", "--metering-url", metering.baseUrl(), "--metering-ca",
                missing.toString()));
        assertThat(budgets.exit()).as(budgets.toString()).isEqualTo(2);
        assertThat(budgets.err().strip()).doesNotContain("\n").contains("--metering-ca: CA file " + missing + " does not exist");
    }

    @Test
    void theBudgetCommandsTrustTheGivenCaAndRefuseAnUntrustedCertificateInOneLine() {
        GantryRun trusted = GantryRun.of(List.of("budget", "list", "acme" + UUID.randomUUID().toString().substring(0, 6),
                "--metering-url", metering.baseUrl(), "--metering-ca", ca.certificate().toString()));
        assertThat(trusted.err()).doesNotContain("TLS certificate is not trusted");
        GantryRun jdkTrust = GantryRun.of(List.of("budget", "list", "acme", "--metering-url", metering.baseUrl()));
        assertThat(jdkTrust.exit()).as(jdkTrust.toString()).isEqualTo(1);
        assertThat(jdkTrust.err().strip()).doesNotContain("\n").contains("its TLS certificate is not trusted")
                .endsWith("[ServiceUnavailable]");
    }
}
