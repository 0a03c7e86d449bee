package io.gantry.cluster.nemesis;

import io.gantry.agent.coord.NodeCoordinator;
import io.gantry.agent.sim.SimulatedZoneBackend;
import io.gantry.agent.sim.SimulatedZoneMover;
import io.gantry.cloudapi.Seed;
import io.gantry.cloudapi.auth.SshPublicKey;
import io.gantry.cloudapi.store.DatabaseConfig;
import io.gantry.common.Zone;
import io.gantry.common.coord.NodeAdvert;
import io.gantry.common.coord.NodeCapacity;
import io.gantry.platform.EmbeddedDatabase;
import io.gantry.testkit.LoopbackPort;
import io.gantry.testkit.SignedClient;
import io.gantry.testkit.TestKeys;
import io.gantry.testkit.TestZooKeeper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.curator.framework.CuratorFramework;

/**
 * Gantry's control plane on this one machine, in the shape the nemesis can break without Docker: PostgreSQL (zonky's
 * embedded server, as {@code gantry dev} runs it, on a kept data directory) and ZooKeeper (the test kit's) in this JVM
 * but stoppable and startable again; the cloud API and two provisioners as child processes ({@code gantry cloudapi},
 * {@code gantry provisioner}) that a fault kills with SIGKILL; three compute nodes in this JVM, each the real agent
 * coordination ({@link NodeCoordinator}, its own ZooKeeper session) over SIMULATED zones: no root, no runc, and no
 * cgroup counters to check usage against.
 */
final class OneHostPlane implements AutoCloseable {
    /** The image id the simulated nodes know; the seeded image points at it. */
    static final String NODE_IMAGE = "sha256:" + "5e".repeat(32);
    static final List<String> PACKAGES = List.of("nemesis-64M", "nemesis-128M");
    private final Path work;
    private final int pgPort = LoopbackPort.free();
    private final int apiPort = LoopbackPort.free();
    private final KeyPair key = TestKeys.rsa();
    private final SshPublicKey publicKey = SshPublicKey.parse(TestKeys.openSsh(key, "nemesis"));
    private final List<RoleProcess> provisioners = new ArrayList<>();
    private final Map<String, SimulatedNode> nodes = new LinkedHashMap<>();
    private final AtomicInteger nextExpiry = new AtomicInteger();
    private EmbeddedDatabase postgres;
    private TestZooKeeper zk;
    private RoleProcess cloudApi;
    private String image;

    /** One node: its zones (in memory), its coordination and its own ZooKeeper session. */
    private record SimulatedNode(SimulatedZoneBackend backend, NodeCoordinator coordinator, CuratorFramework client) {
    }

    private OneHostPlane(Path work) {
        this.work = work;
    }

    static OneHostPlane start(Path work, int nodeCount) throws Exception {
        OneHostPlane plane = new OneHostPlane(work);
        try {
            plane.startAll(nodeCount);
            return plane;
        } catch (Exception | Error e) {
            plane.close();
            throw e;
        }
    }

    /** Its roles serve no metrics: the default ports are fixed, and a second role (or another test) would collide. */
    private void startAll(int nodeCount) throws Exception {
        startPostgres();
        zk = TestZooKeeper.start(work.resolve("zookeeper"));
        Path config = work.resolve("cloudapi.properties");
        Files.writeString(config, String.join("\n", "port=" + apiPort, "db-host=127.0.0.1", "db-port=" + pgPort, "db-name=postgres",
                "db-user=postgres", "db-password=postgres", "datacenter=nemesis-1", ""));
        cloudApi = new RoleProcess("cloud API", work.resolve("cloudapi.log"),
                Map.of("GANTRY_CONFIG", config.toString(), "GANTRY_METRICS_PORT", "-1"), "cloud API on http://127.0.0.1:" + apiPort, "cloudapi");
        cloudApi.ensureRunning(); // it migrates the record, so it comes before the seed
        try (Seed seed = new Seed(db())) {
            seed.pkg(PACKAGES.get(0), 64, 256, 1, 50, 64, "64 MiB", true);
            seed.pkg(PACKAGES.get(1), 128, 256, 1, 100, 128, "128 MiB", false);
            image = seed.image("busybox", "1.0.0", "other", NODE_IMAGE, "what the simulated nodes know").toString();
            seed.network("fabric", "10.200.0.0/16", "nemesis");
        }
        for (String id : List.of("p1", "p2")) {
            RoleProcess p = new RoleProcess("provisioner " + id, work.resolve("provisioner-" + id + ".log"), Map.of("GANTRY_ZK",
                    zk.connectString(), "GANTRY_DB_PORT", Integer.toString(pgPort), "GANTRY_DB_NAME", "postgres", "GANTRY_DB_USER",
                    "postgres", "GANTRY_DB_PASSWORD", "postgres", "GANTRY_METRICS_PORT", "-1"), "joined the election", "provisioner", "--id", id);
            provisioners.add(p);
            p.ensureRunning();
        }
        for (int i = 1; i <= nodeCount; i++) {
            startNode("cn" + i);
        }
    }

    private void startNode(String name) throws Exception {
        CuratorFramework client = zk.newClient();
        SimulatedZoneBackend backend = new SimulatedZoneBackend(Set.of(NODE_IMAGE), Clock.systemUTC());
        // room for far more than the workload keeps: a machine whose delete is acknowledged keeps its booking until its
        // node removed it, and after an outage hundreds wait; a create that fails for want of room is not what this checks
        NodeAdvert advert = new NodeAdvert(name, "127.0.0.1", "simulated", new NodeCapacity(32_768, 100_000, 64), Map.of(),
                Instant.now());
        NodeCoordinator coordinator = NodeCoordinator.start(client, backend, advert, work.resolve("nodes").resolve(name),
                Duration.ofMillis(500), new SimulatedZoneMover(backend, name));
        nodes.put(name, new SimulatedNode(backend, coordinator, client));
        if (!coordinator.membership().awaitAdvertised(Duration.ofSeconds(10))) {
            throw new IllegalStateException("node " + name + " did not advertise itself");
        }
    }

    String image() {
        return image;
    }

    /** A new tenant account with the plane's key registered, and a client signing as it. */
    SignedClient tenant(String login) {
        try (Seed seed = new Seed(db())) {
            seed.key(seed.account(login, login + "@example.test"), "nemesis", publicKey);
        }
        return new SignedClient("http://127.0.0.1:" + apiPort, login, publicKey.md5Fingerprint(), key);
    }

    /** Each node's zones, as its backend holds them. */
    Map<String, Set<UUID>> zones() {
        Map<String, Set<UUID>> out = new LinkedHashMap<>();
        nodes.forEach((name, node) -> out.put(name, node.backend().list().stream().map(Zone::uuid).collect(Collectors.toSet())));
        return out;
    }

    /** The faults this machine can apply for real; each heal starts again whatever its inject stopped. */
    List<Fault> faults() {
        return List.of(
                Fault.of("kill -9 the cloud API", cloudApi::kill9, cloudApi::ensureRunning),
                Fault.of("kill -9 the leading provisioner", () -> leadingProvisioner().kill9(), this::provisionersRunning),
                Fault.of("PostgreSQL stopped until healed", this::stopPostgres, this::startPostgres),
                Fault.of("ZooKeeper stopped until healed", () -> zk.stopServer(), () -> zk.startServer()),
                Fault.of("a node's ZooKeeper session expired", this::expireANodeSession, () -> { }),
                Fault.of("the whole control plane stopped", this::stopControlPlane, this::startControlPlane));
    }

    private RoleProcess leadingProvisioner() throws Exception {
        try (Connection c = DriverManager.getConnection(db().jdbcUrl(), "postgres", "postgres");
             ResultSet rs = c.createStatement().executeQuery(
                     "select instance from role_heartbeats where role = 'provisioner' and leader order by instance limit 1")) {
            String leader = rs.next() ? rs.getString(1) : null;
            return provisioners.stream().filter(p -> p.name().equals("provisioner " + leader)).findFirst().orElse(provisioners.get(0));
        }
    }

    private void provisionersRunning() throws Exception {
        startTogether(provisioners);
    }

    /** Starts the roles side by side: a JVM takes 10-40 s to start on a loaded 2-core machine, and a heal should not add them up. */
    private static void startTogether(List<RoleProcess> roles) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(roles.size());
        try {
            List<Future<Object>> starts = new ArrayList<>();
            for (RoleProcess role : roles) {
                starts.add(pool.submit(() -> {
                    role.ensureRunning();
                    return null;
                }));
            }
            for (Future<Object> start : starts) {
                try {
                    start.get();
                } catch (ExecutionException e) {
                    throw e.getCause() instanceof Exception cause ? cause : e;
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private void expireANodeSession() throws Exception {
        List<SimulatedNode> all = List.copyOf(nodes.values());
        zk.expireSession(all.get(nextExpiry.getAndIncrement() % all.size()).client());
    }

    private void stopControlPlane() throws Exception {
        cloudApi.kill9();
        for (RoleProcess p : provisioners) {
            p.kill9();
        }
        stopPostgres();
        zk.stopServer();
    }

    private void startControlPlane() throws Exception {
        zk.startServer();
        startPostgres();
        List<RoleProcess> roles = new ArrayList<>(provisioners);
        roles.add(cloudApi);
        startTogether(roles);
    }

    private synchronized void startPostgres() throws Exception {
        if (postgres == null) {
            postgres = EmbeddedDatabase.start(work.resolve("postgres"), pgPort);
        }
    }

    private synchronized void stopPostgres() throws Exception {
        if (postgres != null) {
            postgres.close();
            postgres = null;
        }
    }

    private DatabaseConfig db() {
        return new DatabaseConfig("127.0.0.1", pgPort, "postgres", "postgres", "postgres", 2);
    }

    /** Stops everything it started, the nodes first, then the roles, ZooKeeper and PostgreSQL; also after a failed start. */
    @Override
    public void close() throws Exception {
        for (SimulatedNode node : nodes.values()) {
            node.coordinator().close();
            node.client().close();
        }
        if (cloudApi != null) {
            cloudApi.close();
        }
        for (RoleProcess p : provisioners) {
            p.close();
        }
        if (zk != null) {
            zk.close();
        }
        stopPostgres();
    }
}
