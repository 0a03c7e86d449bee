package io.gantry.platform;

import io.gantry.agent.AgentConfig;
import io.gantry.agent.image.BusyboxImage;
import io.gantry.agent.image.ImageFetcher;
import io.gantry.agent.image.ZkImageStores;
import io.gantry.agent.net.NetViewWatcher;
import io.gantry.agent.net.Underlay;
import io.gantry.agent.runc.RuncZoneBackend;
import io.gantry.agent.coord.NodeCoordinator;
import io.gantry.agent.sim.SimulatedZoneMover;
import io.gantry.cloudapi.CloudApi;
import io.gantry.cloudapi.CloudApiConfig;
import io.gantry.cloudapi.Seed;
import io.gantry.cloudapi.auth.SshKeyPair;
import io.gantry.cloudapi.auth.SshPublicKey;
import io.gantry.cloudapi.store.DatabaseConfig;
import io.gantry.common.coord.NodeAdvert;
import io.gantry.common.coord.NodeCapacity;
import io.gantry.common.limits.OverprovisionRatios;
import io.gantry.provisioner.LeaderLoop;
import io.gantry.provisioner.Provisioner;
import io.gantry.provisioner.ProvisionerConfig;
import io.gantry.provisioner.placement.PlacementPolicy;
import io.gantry.provisioner.placement.Strategy;
import io.gantry.testkit.FreshDatabase;
import io.gantry.testkit.SignedClient;
import io.gantry.testkit.TestKeys;
import io.gantry.testkit.TestPostgres;
import io.gantry.testkit.TestZooKeeper;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;

/**
 * The whole control plane in the test JVM: the test kit's embedded PostgreSQL (one for the JVM) and
 * one real embedded ZooKeeper for the test class, and per test a {@link Plane}: its own database (migrated by the
 * real cloud API, seeded with {@link Seed}), its own ZooKeeper namespace, real provisioners and
 * agents, each with its own Curator client. Agents run SIMULATED zones ({@link CountingZoneBackend}
 * around {@code SimulatedZoneBackend}): this exercises coordination, not isolation.
 */
final class ControlPlaneFixture implements AutoCloseable {
    /** The image id the simulated nodes know; the seeded image's node_image points at it. */
    static final String NODE_IMAGE = "sha256:" + "5e".repeat(32);
    private final TestZooKeeper zk;
    final Vertx vertx = Vertx.vertx();
    private final KeyPair key;
    private final SshPublicKey publicKey;
    private final AtomicInteger planes = new AtomicInteger();

    private ControlPlaneFixture(TestZooKeeper zk, KeyPair key) throws Exception {
        this.zk = zk;
        this.key = key;
        this.publicKey = SshPublicKey.parse(TestKeys.openSsh(key, "control-plane-test"));
    }

    static ControlPlaneFixture start(Path zkDir) throws Exception {
        return new ControlPlaneFixture(TestZooKeeper.start(zkDir), TestKeys.rsa());
    }

    String zkConnectString() {
        return zk.connectString();
    }

    int zkPort() {
        return zk.port();
    }

    /** A fresh database and ZooKeeper namespace with the cloud API on them, seeded. */
    Plane plane() throws Exception {
        return plane(null);
    }

    /** As {@link #plane()}, with the cloud API asking the metering service at {@code meteringUrl} for usage and budgets. */
    Plane plane(String meteringUrl) throws Exception {
        return new Plane("plane" + planes.incrementAndGet(), TestPostgres.shared().freshDatabase("plane"), meteringUrl, null);
    }

    /**
     * As {@link #plane()}, with an image store: its files under {@code imageStoreDir}, the cloud API importing into it, its
     * server on a free loopback port advertised in the plane's ZooKeeper namespace ({@link Plane#imageStore}).
     */
    Plane planeWithImageStore(Path imageStoreDir) throws Exception {
        return new Plane("plane" + planes.incrementAndGet(), TestPostgres.shared().freshDatabase("plane"), null, imageStoreDir);
    }

    /**
     * Ends a client's session on the server, as when the server expires it: a second raw handle
     * joins the same session and closes it.
     */
    void expireSession(CuratorFramework client) throws Exception {
        zk.expireSession(client);
    }

    /** One test's control plane. Closing stops everything it started, newest first. */
    final class Plane implements AutoCloseable {
        final String namespace;
        final DatabaseConfig db;
        private final FreshDatabase database;
        final CloudApi api;
        final UUID image;
        final String smallPackage = "small-128M";
        private final StartedResources started = new StartedResources("control plane test");
        /** The plane's image store, or null when it has none. */
        final ImageStoreService imageStore;

        private Plane(String namespace, FreshDatabase database, String meteringUrl, Path imageStoreDir) throws InterruptedException {
            this.namespace = namespace;
            this.database = database;
            this.db = new DatabaseConfig(database.host(), database.port(), database.name(), database.user(), database.password(), 10);
            CloudApiConfig config = new CloudApiConfig("127.0.0.1", 0, "http://127.0.0.1", "test-1", db, null, meteringUrl)
                    .withZooKeeper(zkConnectString());
            this.api = CloudApi.start(vertx, imageStoreDir == null ? config : config.withImageStore(ImageStoreService.settings(imageStoreDir)));
            started.add(api);
            this.imageStore = imageStoreDir == null ? null
                    : started.add(ImageStoreService.start(vertx, imageStoreDir, "127.0.0.1", 0, null, client(), "store-" + namespace));
            try (Seed seed = new Seed(db)) {
                seed.pkg(smallPackage, 128, 1024, 1, 100, 256, "128 MiB", true);
                image = seed.image("busybox", "1.0.0", "other", NODE_IMAGE, "what the simulated nodes know as " + NODE_IMAGE);
                seed.network("fabric", "10.200.0.0/16", "test network");
            }
        }

        String url() {
            return "http://127.0.0.1:" + api.port();
        }

        /**
         * A real runc agent for {@code node} on this machine: its state under {@code work/node}, the busybox image
         * imported, 4 GiB, 100 GB and 2 CPUs advertised, stopped with the plane. Its backend goes into {@code backends}
         * before anything can fail, so the caller's clean-up destroys its zones. Answers the node's busybox image id.
         */
        String startRuncAgent(Path work, String node, List<RuncZoneBackend> backends) throws InterruptedException {
            return startRuncAgent(work, node, backends, Underlay.loopback(node));
        }

        /**
         * As {@link #startRuncAgent(Path, String, List)}, on {@code underlay} (e.g. one node namespace of an
         * OverlayLab), with the agent's watcher of the tenants' network views, as {@code gantry agent} runs it.
         */
        String startRuncAgent(Path work, String node, List<RuncZoneBackend> backends, Underlay underlay) throws InterruptedException {
            return startRuncAgent(work, node, backends, underlay, true);
        }

        /**
         * As {@link #startRuncAgent(Path, String, List, Underlay)}; without {@code busybox} the node starts with no image (and
         * answers null). Either way it fetches an image it lacks from the plane's image stores, as {@code gantry agent} does.
         */
        String startRuncAgent(Path work, String node, List<RuncZoneBackend> backends, Underlay underlay, boolean busybox)
                throws InterruptedException {
            RuncZoneBackend backend = RuncZoneBackend.open(AgentConfig.of(work.resolve(node), node).withUnderlay(underlay));
            backends.add(backend);
            String imageId = null;
            if (busybox) {
                Path tarball = BusyboxImage.build(BusyboxImage.DEFAULT_BUSYBOX, work.resolve(node + "-busybox.tar"));
                imageId = backend.images().importTarball(tarball, BusyboxImage.NAME).id();
            }
            backend.fetchImagesWith(new ImageFetcher(backend.images(), backend.config().imagesDir(), closeLater(ZkImageStores.start(client()))));
            var advert = new NodeAdvert(node, "127.0.0.1", "runc", new NodeCapacity(4096, 100_000, 2), Map.of(), Instant.now())
                    .withUnderlay(underlay.advertised());
            CuratorFramework client = client();
            NodeCoordinator coordinator = closeLater(NodeCoordinator.start(client, backend, advert, work.resolve(node),
                    Duration.ofMillis(500)));
            if (!coordinator.membership().awaitAdvertised(Duration.ofSeconds(10))) {
                throw new IllegalStateException("node " + node + " was not advertised within 10 s");
            }
            closeLater(NetViewWatcher.start(client, node, backend.network()));
            return imageId;
        }

        /** Closes {@code resource} with the plane, after everything started later (e.g. a proxy its clients use). */
        <T extends AutoCloseable> T closeLater(T resource) {
            return started.add(resource);
        }

        void pkg(String name, long memoryMiB, long diskMiB) {
            pkg(name, memoryMiB, diskMiB, Map.of());
        }

        /** A package of one vCPU whose machines need a node with {@code traits} (Triton's form). */
        void pkg(String name, long memoryMiB, long diskMiB, Map<String, ?> traits) {
            try (Seed seed = new Seed(db)) {
                seed.pkg(name, memoryMiB, diskMiB, 1, 100, 256, name, false, traits);
            }
        }

        /** A new account with the class's RSA key registered, and a client signing as it. */
        SignedClient account(String login) {
            try (Seed seed = new Seed(db)) {
                UUID account = seed.account(login, login + "@example.test");
                seed.key(account, "test", publicKey);
            }
            return new SignedClient(url(), login, publicKey.md5Fingerprint(), key);
        }

        /** A new operator account with a fresh key pair written into {@code keyDir} by ssh-keygen; answers its private key file. */
        Path operator(String login, Path keyDir) {
            SshKeyPair pair = SshKeyPair.generate(keyDir, login + "_rsa");
            try (Seed seed = new Seed(db)) {
                seed.key(seed.operator(login, login + "@example.test"), "operator", pair.publicKey());
            }
            return pair.privateKeyFile();
        }

        void limit(String login, String by, long value) {
            try (Seed seed = new Seed(db)) {
                seed.limit(seed.account(login, login + "@example.test"), by, value, null, null);
            }
        }

        Map<String, Object> machine(String name, String pkg) {
            return Map.of("name", name, "image", image.toString(), "package", pkg);
        }

        /** The state of the (newest) job of each action of the machine, straight from the record. */
        String jobState(UUID machine, String action) {
            var rows = database.query("select state from jobs where machine_id = ? and action = ? order by created desc", machine, action);
            return rows.isEmpty() ? null : (String) rows.get(0).get(0);
        }

        /** The machine's state, straight from the record (a disabled account cannot ask the API). */
        String machineState(UUID machine) {
            return (String) database.query("select state from machines where id = ?", machine).get(0).get(0);
        }

        /** The jobs of the machine, oldest first: action, state and caller of each. */
        List<List<Object>> jobs(UUID machine) {
            return database.query("select action, state, caller from jobs where machine_id = ? order by created", machine);
        }

        /** Runs one statement on the plane's record; the count of rows it changed. */
        int execute(String sql, Object... params) {
            return database.execute(sql, params);
        }

        /** Rows straight from the record. */
        java.util.List<java.util.List<Object>> query(String sql, Object... params) {
            return database.query(sql, params);
        }

        int jobCount(UUID machine) {
            return (int) database.scalar("select count(*) from jobs where machine_id = ?", machine);
        }

        /** A started Curator client in this plane's namespace, connected (directly or through {@code connectString}). */
        CuratorFramework client(String connectString) throws InterruptedException {
            CuratorFramework client = CuratorFrameworkFactory.builder()
                    .connectString(connectString)
                    .namespace(namespace)
                    .sessionTimeoutMs(3000)
                    .connectionTimeoutMs(2000)
                    .retryPolicy(new ExponentialBackoffRetry(100, 5, 1000))
                    .build();
            client.start();
            started.add(client);
            if (!client.blockUntilConnected(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("no connection to ZooKeeper at " + connectString);
            }
            return client;
        }

        CuratorFramework client() throws InterruptedException {
            return client(zkConnectString());
        }

        Agent agent(String node, long memoryMiB, Path stateDir) throws Exception {
            return agent(node, memoryMiB, stateDir, Duration.ofMillis(500), zkConnectString());
        }

        /** An agent with {@code traits}, as {@code gantry agent --trait K=V} advertises them. */
        Agent agent(String node, long memoryMiB, Path stateDir, Map<String, String> traits) throws Exception {
            return agent(node, memoryMiB, stateDir, Duration.ofMillis(500), zkConnectString(), traits);
        }

        Agent agent(String node, long memoryMiB, Path stateDir, Duration reportInterval, String connectString) throws Exception {
            return agent(node, memoryMiB, stateDir, reportInterval, connectString, Map.of());
        }

        /** An agent with its own Curator client, advertising {@code memoryMiB}, 100 000 MiB of disk, 4 CPUs and {@code traits}. */
        Agent agent(String node, long memoryMiB, Path stateDir, Duration reportInterval, String connectString,
                    Map<String, String> traits) throws Exception {
            CuratorFramework client = client(connectString);
            CountingZoneBackend backend = new CountingZoneBackend(NODE_IMAGE);
            NodeAdvert advert = new NodeAdvert(node, "127.0.0.1", "simulated", new NodeCapacity(memoryMiB, 100_000, 4), traits,
                    Instant.now());
            NodeCoordinator coordinator = NodeCoordinator.start(client, backend, advert, stateDir, reportInterval,
                    new SimulatedZoneMover(backend.simulated(), node));
            started.add(coordinator);
            if (!coordinator.membership().awaitAdvertised(Duration.ofSeconds(10))) {
                throw new IllegalStateException("node " + node + " did not advertise itself");
            }
            return new Agent(node, backend, coordinator, client);
        }

        Provisioner provisioner(String id, Strategy strategy, LeaderLoop.StepHook hook) throws Exception {
            return provisioner(id, strategy, hook, client());
        }

        /**
         * A provisioner on {@code client}. Placement scores every feasible node (candidate limit 3, the most
         * nodes any test has), so where a machine goes follows the strategy alone, not the random sample.
         */
        Provisioner provisioner(String id, Strategy strategy, LeaderLoop.StepHook hook, CuratorFramework client) {
            Provisioner p = Provisioner.start(client, new ProvisionerConfig(id, db.jdbcUrl(), db.user(), db.password(),
                    new PlacementPolicy(new OverprovisionRatios(1.0, 1.0), strategy, 3), Duration.ofMillis(200)), hook);
            started.add(p);
            return p;
        }

        @Override
        public void close() {
            started.close();
        }
    }

    /** A node: its name, its simulated zones, its coordination and its own ZooKeeper client. */
    record Agent(String node, CountingZoneBackend backend, NodeCoordinator coordinator, CuratorFramework client) {
    }

    @Override
    public void close() throws Exception {
        Exception first = null;
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            first = e;
        }
        zk.close();
        if (first != null) {
            throw first;
        }
    }
}
