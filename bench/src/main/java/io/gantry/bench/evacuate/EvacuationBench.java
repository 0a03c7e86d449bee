package io.gantry.bench.evacuate;

import io.gantry.agent.AgentConfig;
import io.gantry.agent.coord.NodeCoordinator;
import io.gantry.agent.host.Cmd;
import io.gantry.agent.host.HostProbe;
import io.gantry.agent.image.BusyboxImage;
import io.gantry.agent.move.DiskServer;
import io.gantry.agent.move.RuncZoneMover;
import io.gantry.agent.runc.RuncZoneBackend;
import io.gantry.bench.BenchMain;
import io.gantry.cloudapi.CloudApi;
import io.gantry.cloudapi.CloudApiConfig;
import io.gantry.cloudapi.Seed;
import io.gantry.cloudapi.auth.SshPublicKey;
import io.gantry.cloudapi.store.DatabaseConfig;
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
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Evacuation of a stopped machine whose 1 GiB disk is full of random data (not sparse zeroes): the time through
 * Gantry (operator API → provisioner → export on the source agent → HTTP transfer on loopback with sha256 on both
 * sides → import on the target agent → the source's copy deleted) against a plain copy of the same disk file on
 * the same machine in the same run ({@code cp} then {@code sync} of the copy, and {@code Files.copy}). Two real
 * runc agents on this machine; needs root and runc. Everything it makes is removed afterwards.
 */
@Command(name = "evacuation-bench", mixinStandardHelpOptions = true,
        description = "Evacuation of a stopped machine with a 1 GiB disk full of data, against a plain copy of its disk file.")
public final class EvacuationBench implements Callable<Integer> {
    @Option(names = "--fill-mib", defaultValue = "900", description = "MiB of random data written into the zone's 1 GiB disk (default ${DEFAULT-VALUE}).")
    int fillMiB;

    @Option(names = "--work", defaultValue = "/var/tmp/gantry-bench-evacuate", description = "Work directory, removed afterwards (default ${DEFAULT-VALUE}).")
    Path workRoot;

    public static void main(String[] args) {
        BenchMain.run(EvacuationBench::new, "warn", args);
    }

    @Override
    public Integer call() throws Exception {
        var why = HostProbe.whyNoRealZones();
        if (why.isPresent()) {
            System.err.println("evacuation-bench: " + why.get());
            return 4;
        }
        Path work = workRoot.resolve(Long.toString(ProcessHandle.current().pid()));
        Files.createDirectories(work);
        String suffix = Long.toString(ProcessHandle.current().pid() % 10000);
        Deque<AutoCloseable> started = new ArrayDeque<>();
        List<RuncZoneBackend> backends = new ArrayList<>();
        TestPostgres pg = null;
        try {
            say("starting ZooKeeper, PostgreSQL, the cloud API and a provisioner in this JVM");
            TestZooKeeper zk = push(started, TestZooKeeper.start(work.resolve("zookeeper")));
            pg = TestPostgres.start(Map.of());
            FreshDatabase fresh = pg.freshDatabase("bench");
            DatabaseConfig db = new DatabaseConfig(fresh.host(), fresh.port(), fresh.name(), fresh.user(), fresh.password(), 10);
            Vertx vertx = Vertx.vertx();
            started.push(() -> vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS));
            CloudApi api = push(started, CloudApi.start(vertx, new CloudApiConfig("127.0.0.1", 0, "http://127.0.0.1", "bench-1", db, null)));
            String base = "http://127.0.0.1:" + api.port();

            String source = "bes" + suffix;
            String target = "bet" + suffix;
            String imageId = agent(zk, work, source, backends, started);
            agent(zk, work, target, backends, started);
            KeyPair tenantKey = TestKeys.rsa();
            KeyPair opsKey = TestKeys.rsa();
            SshPublicKey tk = SshPublicKey.parse(TestKeys.openSsh(tenantKey, "tenant"));
            SshPublicKey ok = SshPublicKey.parse(TestKeys.openSsh(opsKey, "ops"));
            try (Seed seed = new Seed(db)) {
                seed.pkg("bench-1g", 256, 1024, 1, 100, 256, "1 GiB disk", true);
                seed.image("busybox", "1.0.0", "other", imageId, "busybox");
                seed.network("fabric", "10.200.0.0/16", "bench network");
                seed.key(seed.account("tenant", "tenant@example.test"), "t", tk);
                seed.key(seed.operator("operator", "operator@example.test"), "o", ok);
            }
            CuratorFramework pzk = push(started, zk.newClient());
            push(started, Provisioner.start(pzk, new ProvisionerConfig("bench", db.jdbcUrl(), db.user(), db.password(),
                    new PlacementPolicy(new OverprovisionRatios(1.0, 1.0), Strategy.SPREAD, 3), Duration.ofMillis(100))));
            SignedClient tenant = new SignedClient(base, "tenant", tk.md5Fingerprint(), tenantKey);
            SignedClient ops = new SignedClient(base, "operator", ok.md5Fingerprint(), opsKey);

            var created = tenant.post("/my/machines", Map.of("name", "full", "image", imageId(tenant), "package", "bench-1g"));
            if (created.status() != 201) {
                System.err.println("evacuation-bench: create answered " + created.status() + ": " + created.body());
                return 1;
            }
            UUID id = UUID.fromString(created.json().get("id").toString());
            await(() -> "running".equals(tenant.get("/my/machines/" + id).state()), Duration.ofSeconds(120), "the machine to run");
            String node = tenant.get("/my/machines/" + id).json().get("compute_node").toString();
            RuncZoneBackend from = node.equals(source) ? backends.get(0) : backends.get(1);
            String to = node.equals(source) ? target : source;
            say("machine " + id + " runs on " + node + "; writing " + fillMiB + " MiB of random data into its disk");
            var fill = from.exec(id, List.of("sh", "-c", "dd if=/dev/urandom of=/fill bs=1M count=" + fillMiB + " 2>&1; sync"),
                    Duration.ofSeconds(600));
            say(fill.stdout().strip().lines().reduce((a, b) -> b).orElse(""));
            if (tenant.post("/my/machines/" + id + "?action=stop", Map.of()).status() != 202) {
                throw new IllegalStateException("stop refused");
            }
            await(() -> "stopped".equals(tenant.get("/my/machines/" + id).state()), Duration.ofSeconds(60), "the machine to stop");
            Path disk = from.layout(id).diskImage();
            long size = Files.size(disk);
            long allocated = Long.parseLong(Cmd.check("du", "--block-size=1", disk.toString()).stdout().split("\\s+")[0]);
            say(String.format("disk file %s: %d bytes, %d allocated (%.0f%% data)", disk, size, allocated, 100.0 * allocated / size));

            double cp = seconds(() -> {
                Path copy = work.resolve("copy-cp.img");
                Cmd.check("cp", disk.toString(), copy.toString());
                Cmd.check("sync", copy.toString());
                Files.delete(copy);
            });
            double filesCopy = seconds(() -> {
                Path copy = work.resolve("copy-files.img");
                Files.copy(disk, copy);
                Cmd.check("sync", copy.toString());
                Files.delete(copy);
            });
            say(String.format("plain copy: cp + sync %.2f s, Files.copy + sync %.2f s", cp, filesCopy));

            Map<String, Double> steps = new LinkedHashMap<>();
            Instant t0 = Instant.now();
            var queued = ops.post("/ops/machines/" + id + "?action=evacuate&node=" + to, Map.of());
            if (queued.status() != 202) {
                System.err.println("evacuation-bench: evacuate answered " + queued.status() + ": " + queued.body());
                return 1;
            }
            String job = queued.json().get("job").toString();
            String last = "";
            while (true) {
                Map<String, Object> status = ops.get("/ops/jobs/" + job).json();
                String state = String.valueOf(status.get("state"));
                String now = state.equals("succeeded") || state.equals("failed") ? state : String.valueOf(status.get("step"));
                if (!now.equals(last)) {
                    steps.put(now, Duration.between(t0, Instant.now()).toMillis() / 1000.0);
                    last = now;
                }
                if (state.equals("failed")) {
                    System.err.println("evacuation-bench: the evacuation failed: " + status.get("error"));
                    return 1;
                }
                if (state.equals("succeeded")) {
                    break;
                }
                Thread.sleep(20);
            }
            double gantry = Duration.between(t0, Instant.now()).toMillis() / 1000.0;
            String landed = tenant.get("/my/machines/" + id).json().get("compute_node").toString();

            System.out.println();
            System.out.println("| what | seconds |");
            System.out.println("|---|---:|");
            System.out.printf("| plain copy of the disk file: `cp` + `sync` of the copy | %.2f |%n", cp);
            System.out.printf("| plain copy of the disk file: `Files.copy` + `sync` of the copy | %.2f |%n", filesCopy);
            System.out.printf("| Gantry evacuation, operator API call until the job succeeded (now on %s) | %.2f |%n", landed, gantry);
            System.out.printf("| ratio Gantry / cp | %.2f |%n", gantry / cp);
            System.out.println();
            System.out.println("step reached at (s since the call): " + steps);
            return 0;
        } finally {
            say("cleaning up");
            while (!started.isEmpty()) {
                try {
                    started.pop().close();
                } catch (Exception e) {
                    System.err.println("cleanup: " + e);
                }
            }
            for (RuncZoneBackend backend : backends) {
                backend.destroyNode();
            }
            if (pg != null) {
                pg.close();
            }
            Cmd.run("rm", "-rf", "--one-file-system", work.toString());
        }
    }

    private static String imageId(SignedClient tenant) {
        return tenant.get("/my/images").list().get(0).get("id").toString();
    }

    private static String agent(TestZooKeeper zk, Path work, String node, List<RuncZoneBackend> backends, Deque<AutoCloseable> started)
            throws Exception {
        RuncZoneBackend backend = RuncZoneBackend.open(AgentConfig.of(work.resolve(node), node));
        backends.add(backend);
        Path tarball = BusyboxImage.build(BusyboxImage.DEFAULT_BUSYBOX, work.resolve(node + "-busybox.tar"));
        String imageId = backend.images().importTarball(tarball, BusyboxImage.NAME).id();
        DiskServer disks = push(started, DiskServer.start(backend.config().stateDir(), "127.0.0.1", 0));
        CuratorFramework client = push(started, zk.newClient());
        var advert = new NodeAdvert(node, "127.0.0.1", "runc", new NodeCapacity(8192, 100_000, 2), Map.of(), Instant.now());
        NodeCoordinator coordinator = push(started, NodeCoordinator.start(client, backend, advert, backend.config().stateDir(),
                Duration.ofMillis(500), new RuncZoneMover(backend, disks)));
        if (!coordinator.membership().awaitAdvertised(Duration.ofSeconds(10))) {
            throw new IllegalStateException("node " + node + " did not advertise itself");
        }
        return imageId;
    }

    private interface Work {
        void run() throws Exception;
    }

    private static double seconds(Work work) throws Exception {
        long t = System.nanoTime();
        work.run();
        return (System.nanoTime() - t) / 1e9;
    }

    private static void await(java.util.function.BooleanSupplier done, Duration timeout, String what) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (!done.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("waited " + timeout.toSeconds() + " s for " + what);
            }
            Thread.sleep(100);
        }
    }

    private static <T extends AutoCloseable> T push(Deque<AutoCloseable> started, T resource) {
        started.push(resource);
        return resource;
    }

    private static void say(String line) {
        System.out.println("[evacuation-bench] " + line);
    }
}
