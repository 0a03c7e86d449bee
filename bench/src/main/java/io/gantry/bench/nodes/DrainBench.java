package io.gantry.bench.nodes;

import io.gantry.agent.AgentConfig;
import io.gantry.agent.coord.NodeCoordinator;
import io.gantry.agent.coord.TaskExecutor;
import io.gantry.agent.host.Cmd;
import io.gantry.agent.host.HostProbe;
import io.gantry.agent.image.BusyboxImage;
import io.gantry.agent.runc.RuncZoneBackend;
import io.gantry.cloudapi.CloudApi;
import io.gantry.cloudapi.CloudApiConfig;
import io.gantry.cloudapi.Seed;
import io.gantry.cloudapi.auth.SshPublicKey;
import io.gantry.cloudapi.store.DatabaseConfig;
import io.gantry.common.Zone;
import io.gantry.common.ZoneState;
import io.gantry.common.coord.NodeAdvert;
import io.gantry.common.coord.NodeCapacity;
import io.gantry.common.limits.OverprovisionRatios;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The drain of a node holding N real zones (issue 12): the time from the operator's drain (stop=true) until every
 * machine is recorded stopped, through the whole control plane (cloud API, record, provisioner, ZooKeeper, the node's
 * agent, runc), against stopping the same N zones with the zone backend alone (what {@code gantry zone stop} does on
 * the node, without its JVM start per zone), in the same run. The control plane runs in this JVM on an embedded
 * PostgreSQL and ZooKeeper; the node is one real runc agent. Needs root and runc.
 */
@Command(name = "drain-bench", mixinStandardHelpOptions = true,
        description = "Drain of a node holding N real zones vs stopping them with the zone backend alone.")
public final class DrainBench implements Callable<Integer> {
    @Option(names = "--zones", defaultValue = "200", description = "Zones on the drained node (default ${DEFAULT-VALUE}).")
    int zones;

    @Option(names = "--memory", defaultValue = "64", description = "Each zone's memory cap, MiB (default ${DEFAULT-VALUE}).")
    long memoryMiB;

    @Option(names = "--disk", defaultValue = "256", description = "Each zone's disk, MiB (default ${DEFAULT-VALUE}).")
    long diskMiB;

    @Option(names = "--work-dir", defaultValue = "/var/tmp/gantry-drain-bench", description = "Scratch space, removed afterwards.")
    Path workDir;

    public static void main(String[] args) {
        System.exit(new CommandLine(new DrainBench()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        var why = HostProbe.whyNoRealZones();
        if (why.isPresent()) {
            System.err.println("drain-bench: " + why.get());
            return 2;
        }
        String node = "drb" + ProcessHandle.current().pid() % 10000;
        Cmd.run("rm", "-rf", "--one-file-system", workDir.toString());
        Files.createDirectories(workDir);
        RuncZoneBackend backend = null;
        Vertx vertx = Vertx.vertx();
        List<AutoCloseable> started = new ArrayList<>();
        say("starting ZooKeeper and PostgreSQL");
        TestZooKeeper zk = TestZooKeeper.start(workDir.resolve("zookeeper"));
        TestPostgres pg = TestPostgres.start(Map.of());
        try {
            FreshDatabase fresh = pg.freshDatabase("drain");
            DatabaseConfig db = new DatabaseConfig(fresh.host(), fresh.port(), fresh.name(), fresh.user(), fresh.password(), 10);
            CloudApi api = CloudApi.start(vertx, new CloudApiConfig("127.0.0.1", 0, "http://127.0.0.1", "bench-1", db, null));
            started.add(api);
            String base = "http://127.0.0.1:" + api.port();

            backend = RuncZoneBackend.open(AgentConfig.of(workDir.resolve(node), node));
            Path tarball = BusyboxImage.build(BusyboxImage.DEFAULT_BUSYBOX, workDir.resolve("busybox.tar"));
            String imageId = backend.images().importTarball(tarball, BusyboxImage.NAME).id();

            KeyPair tenantKey = TestKeys.rsa();
            KeyPair operatorKey = TestKeys.rsa();
            SshPublicKey tenantPub = SshPublicKey.parse(TestKeys.openSsh(tenantKey, "tenant"));
            SshPublicKey operatorPub = SshPublicKey.parse(TestKeys.openSsh(operatorKey, "operator"));
            UUID pkg;
            UUID image;
            try (Seed seed = new Seed(db)) {
                pkg = seed.pkg("drain", memoryMiB, diskMiB, 1, 100, 256, "drain bench", true);
                image = seed.image("busybox", "1.0.0", "other", imageId, "busybox");
                seed.network("fabric", "10.200.0.0/16", "bench network");
                seed.key(seed.account("tenant", "tenant@example.test"), "t", tenantPub);
                seed.key(seed.operator("admin", "admin@example.test"), "o", operatorPub);
            }
            SignedClient tenant = new SignedClient(base, "tenant", tenantPub.md5Fingerprint(), tenantKey);
            SignedClient operator = new SignedClient(base, "admin", operatorPub.md5Fingerprint(), operatorKey);

            CuratorFramework agentZk = client(zk.connectString());
            started.add(agentZk);
            // capacity as advertised: room for every zone whatever this host's memory (the zones are idle busybox)
            var advert = new NodeAdvert(node, "127.0.0.1", "runc",
                    new NodeCapacity(memoryMiB * zones * 2, diskMiB * zones * 2, 64), Map.of(), Instant.now());
            started.add(NodeCoordinator.start(agentZk, backend, advert, workDir.resolve(node), Duration.ofSeconds(5)));
            CuratorFramework provisionerZk = client(zk.connectString());
            started.add(provisionerZk);
            started.add(Provisioner.start(provisionerZk, new ProvisionerConfig("bench", db.jdbcUrl(), db.user(), db.password(),
                    new PlacementPolicy(new OverprovisionRatios(1.0, 1.0, 64.0), Strategy.PACK, 0), Duration.ofMillis(500))));

            say("creating " + zones + " machines (" + memoryMiB + " MiB, " + diskMiB + " MiB disk each) through the cloud API");
            long t0 = System.nanoTime();
            List<UUID> ids = new ArrayList<>();
            for (int i = 0; i < zones; i++) {
                var r = tenant.post("/my/machines", Map.of("name", "d" + i, "image", image.toString(), "package", pkg.toString()));
                if (r.status() != 201) {
                    throw new IllegalStateException("create " + i + ": " + r.status() + " " + r.body());
                }
                ids.add(UUID.fromString(r.json().get("id").toString()));
            }
            awaitRecorded(fresh, node, "running", zones, Duration.ofMinutes(30));
            say(String.format("%d zones running and recorded after %.1f s", zones, seconds(System.nanoTime() - t0)));

            // the baseline first: the zone backend alone stops the same zones one after another, as the agent does
            say("baseline: stopping the " + zones + " zones with the zone backend alone");
            long b0 = System.nanoTime();
            for (UUID id : ids) {
                backend.stop(id, TaskExecutor.DEFAULT_GRACE);
            }
            long baseline = System.nanoTime() - b0;
            for (Zone z : backend.list()) {
                if (z.state() != ZoneState.STOPPED) {
                    throw new IllegalStateException("zone " + z.uuid() + " is " + z.state() + " after the baseline's stop");
                }
            }
            say("starting them again (the node's report sets the record back to running)");
            for (UUID id : ids) {
                startAgain(backend, id);
            }
            awaitRecorded(fresh, node, "running", zones, Duration.ofMinutes(10));

            operator.get("/ops/nodes/" + node); // a first operator call, so the drain's is not the cold one
            say("drain: POST /ops/nodes/" + node + "?action=drain&stop=true, until every machine is recorded stopped");
            long d0 = System.nanoTime();
            var drained = operator.post("/ops/nodes/" + node + "?action=drain&stop=true", Map.of());
            long accepted = System.nanoTime() - d0;
            if (drained.status() != 200) {
                throw new IllegalStateException("drain: " + drained.status() + " " + drained.body());
            }
            awaitRecorded(fresh, node, "stopped", zones, Duration.ofMinutes(30));
            long drain = System.nanoTime() - d0;
            long stoppedOnNode = backend.list().stream().filter(z -> z.state() == ZoneState.STOPPED).count();
            if (stoppedOnNode != zones) {
                throw new IllegalStateException(stoppedOnNode + " of " + zones + " zones stopped on the node after the drain");
            }

            System.out.println();
            System.out.printf("%d zones (%d MiB, %d MiB disk, busybox) on one real runc node, %d CPUs; control plane in this JVM.%n",
                    zones, memoryMiB, diskMiB, Runtime.getRuntime().availableProcessors());
            System.out.println("| path | total s | per zone ms |");
            System.out.println("|---|---:|---:|");
            System.out.printf("| drain --stop: API call → every machine recorded stopped (API %.0f ms of it) | %.2f | %.1f |%n",
                    accepted / 1e6, seconds(drain), drain / 1e6 / zones);
            System.out.printf("| zone backend alone: stop each zone in turn | %.2f | %.1f |%n", seconds(baseline), baseline / 1e6 / zones);
            System.out.printf("Ratio drain / backend alone: %.2f%n", (double) drain / baseline);

            say("deleting the machines");
            for (UUID id : ids) {
                tenant.delete("/my/machines/" + id);
            }
            awaitRecorded(fresh, node, "deleted", zones, Duration.ofMinutes(30));
            return 0;
        } finally {
            for (int i = started.size() - 1; i >= 0; i--) {
                try {
                    started.get(i).close();
                } catch (Exception e) {
                    System.err.println("drain-bench: closing " + started.get(i) + ": " + e);
                }
            }
            if (backend != null) {
                backend.destroyNode();
            }
            vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            pg.close();
            zk.close();
            Cmd.run("rm", "-rf", "--one-file-system", workDir.toString());
        }
    }

    /** Starts a zone the baseline stopped; runc on a loaded host now and then answers its state empty, so up to three tries. */
    private static void startAgain(RuncZoneBackend backend, UUID id) throws InterruptedException {
        for (int attempt = 1; ; attempt++) {
            try {
                backend.start(id);
                return;
            } catch (RuntimeException e) {
                if (attempt == 3) {
                    throw e;
                }
                say("starting zone " + id + " again after: " + e.getMessage());
                Thread.sleep(1000);
            }
        }
    }

    /** Waits until {@code count} machines on the node are recorded in {@code state}, printing progress. */
    private static void awaitRecorded(FreshDatabase db, String node, String state, int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long shown = -1;
        while (true) {
            long n = db.scalar("select count(*) from machines where (compute_node = ? or ? = 'deleted') and state = ?", node, state, state);
            if (n / 25 != shown / 25 || n == count) {
                if (n != shown) {
                    say("  " + n + "/" + count + " " + state);
                }
                shown = n;
            }
            if (n >= count) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("only " + n + " of " + count + " machines " + state + " after " + timeout);
            }
            Thread.sleep(20);
        }
    }

    private static CuratorFramework client(String connect) throws InterruptedException {
        CuratorFramework c = CuratorFrameworkFactory.builder().connectString(connect).sessionTimeoutMs(5000).connectionTimeoutMs(5000)
                .retryPolicy(new ExponentialBackoffRetry(100, 5, 1000)).build();
        c.start();
        if (!c.blockUntilConnected(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("no ZooKeeper at " + connect);
        }
        return c;
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }

    private static void say(String line) {
        System.err.println("drain-bench: " + line);
    }
}
