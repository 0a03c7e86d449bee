package io.gantry.bench.images;

import io.gantry.agent.AgentConfig;
import io.gantry.agent.coord.NodeCoordinator;
import io.gantry.agent.host.Cmd;
import io.gantry.agent.host.HostProbe;
import io.gantry.agent.image.BusyboxImage;
import io.gantry.agent.image.ImageFetcher;
import io.gantry.agent.image.ZkImageStores;
import io.gantry.agent.runc.RuncZoneBackend;
import io.gantry.bench.BenchMain;
import io.gantry.cloudapi.CloudApi;
import io.gantry.cloudapi.CloudApiConfig;
import io.gantry.cloudapi.Seed;
import io.gantry.cloudapi.auth.RequestSigner;
import io.gantry.cloudapi.auth.SshPublicKey;
import io.gantry.cloudapi.store.DatabaseConfig;
import io.gantry.common.Json;
import io.gantry.common.coord.NodeAdvert;
import io.gantry.common.coord.NodeCapacity;
import io.gantry.common.limits.OverprovisionRatios;
import io.gantry.platform.ImageStoreService;
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
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * How long until a second node can run an image imported once: an image of about 100 MiB (busybox plus a file of
 * random, incompressible data) is imported through {@code POST /ops/images}; node A is given it as an operator would
 * ({@code importTarball}); then a machine of it on node B, which lacks it, is timed from the create until running
 * (the fetch from the image store, sha256 check, unpack, zone start) against the baseline on the same run: {@code tar -x}
 * of the same file plus a machine of it on node A, which has it. Two real runc agents on this machine (packages
 * pinned to each by traits); needs root and runc. Everything it makes is removed afterwards.
 */
@Command(name = "image-fetch-bench", mixinStandardHelpOptions = true,
        description = "Time until a second node runs an image imported once, against tar -x of it plus a zone start.")
public final class ImageFetchBench implements Callable<Integer> {
    @Option(names = "--data-mib", defaultValue = "100", description = "MiB of random data in the image (default ${DEFAULT-VALUE}).")
    int dataMiB;

    @Option(names = "--work", defaultValue = "/var/tmp/gantry-bench-image-fetch", description = "Work directory, removed afterwards"
            + " (default ${DEFAULT-VALUE}).")
    Path workRoot;

    public static void main(String[] args) {
        BenchMain.run(ImageFetchBench::new, "warn", args);
    }

    @Override
    public Integer call() throws Exception {
        var why = HostProbe.whyNoRealZones();
        if (why.isPresent()) {
            System.err.println("image-fetch-bench: " + why.get());
            return 4;
        }
        Path work = workRoot.resolve(Long.toString(ProcessHandle.current().pid()));
        Files.createDirectories(work);
        String suffix = Long.toString(ProcessHandle.current().pid() % 10000);
        Deque<AutoCloseable> started = new ArrayDeque<>();
        List<RuncZoneBackend> backends = new ArrayList<>();
        TestPostgres pg = null;
        try {
            Path image = buildImage(work);
            long size = Files.size(image);
            say(String.format("image file %s: %.1f MiB", image, size / 1048576.0));

            say("starting ZooKeeper, PostgreSQL, the cloud API with its image store, a provisioner and two agents in this JVM");
            TestZooKeeper zk = push(started, TestZooKeeper.start(work.resolve("zookeeper")));
            pg = TestPostgres.start(Map.of());
            FreshDatabase fresh = pg.freshDatabase("bench");
            DatabaseConfig db = new DatabaseConfig(fresh.host(), fresh.port(), fresh.name(), fresh.user(), fresh.password(), 10);
            Vertx vertx = Vertx.vertx();
            started.push(() -> vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS));
            Path storeDir = work.resolve("imagestore");
            CloudApi api = push(started, CloudApi.start(vertx, new CloudApiConfig("127.0.0.1", 0, "http://127.0.0.1", "bench-1", db, null)
                    .withImageStore(ImageStoreService.settings(storeDir))));
            push(started, ImageStoreService.start(vertx, storeDir, "127.0.0.1", 0, null, push(started, zk.newClient()), "bench"));
            String base = "http://127.0.0.1:" + api.port();

            String nodeA = "ifa" + suffix;
            String nodeB = "ifb" + suffix;
            RuncZoneBackend a = agent(zk, work, nodeA, "a", backends, started);
            RuncZoneBackend b = agent(zk, work, nodeB, "b", backends, started);
            KeyPair tenantKey = TestKeys.rsa();
            KeyPair opsKey = TestKeys.rsa();
            SshPublicKey tk = SshPublicKey.parse(TestKeys.openSsh(tenantKey, "tenant"));
            SshPublicKey ok = SshPublicKey.parse(TestKeys.openSsh(opsKey, "ops"));
            try (Seed seed = new Seed(db)) {
                seed.pkg("on-a", 256, 1024, 1, 100, 256, "node a", true, Map.of("bench", "a"));
                seed.pkg("on-b", 256, 1024, 1, 100, 256, "node b", false, Map.of("bench", "b"));
                seed.network("fabric", "10.200.0.0/16", "bench network");
                seed.key(seed.account("tenant", "tenant@example.test"), "t", tk);
                seed.key(seed.operator("operator", "operator@example.test"), "o", ok);
            }
            CuratorFramework pzk = push(started, zk.newClient());
            push(started, Provisioner.start(pzk, new ProvisionerConfig("bench", db.jdbcUrl(), db.user(), db.password(),
                    new PlacementPolicy(new OverprovisionRatios(1.0, 1.0), Strategy.SPREAD, 3), Duration.ofMillis(100))));
            SignedClient tenant = new SignedClient(base, "tenant", tk.md5Fingerprint(), tenantKey);

            long t = System.nanoTime();
            Map<?, ?> imported = importImage(base, RequestSigner.of("operator", opsKey), image);
            double importSeconds = (System.nanoTime() - t) / 1e9;
            String catalogId = imported.get("id").toString();
            String sha = imported.get("node_image").toString();
            say(String.format("imported through POST /ops/images in %.2f s (sha256 %s)", importSeconds, sha.substring(0, 12)));

            double nodeImport = seconds(() -> a.images().importTarball(image, "bench-image"));
            double tarX = seconds(() -> {
                Path into = Files.createDirectories(work.resolve("tar-x"));
                Cmd.check("tar", "-x", "--numeric-owner", "-f", image.toString(), "-C", into.toString());
                Cmd.check("sync");
                Cmd.check("rm", "-rf", "--one-file-system", into.toString());
            });
            double startOnA = machine(tenant, catalogId, "on-a", "has-it");
            double startOnB = machine(tenant, catalogId, "on-b", "fetches-it");
            double againOnB = machine(tenant, catalogId, "on-b", "has-it-now");
            if (b.images().findById(sha).isEmpty()) {
                throw new IllegalStateException("node B runs the machine but has no image " + sha);
            }

            System.out.println();
            System.out.println("| what | seconds |");
            System.out.println("|---|---:|");
            System.out.printf("| image file: %.1f MiB (busybox + %d MiB of random data) | |%n", size / 1048576.0, dataMiB);
            System.out.printf("| import through `POST /ops/images` (upload, sha256, check by unpacking, store) | %.2f |%n", importSeconds);
            System.out.printf("| `importTarball` on node A (the operator's way onto one node) | %.2f |%n", nodeImport);
            System.out.printf("| baseline: `tar -x` of the file + `sync` | %.2f |%n", tarX);
            System.out.printf("| baseline: machine on node A, which has the image, create → running | %.2f |%n", startOnA);
            System.out.printf("| baseline total (`tar -x` + zone start) | %.2f |%n", tarX + startOnA);
            System.out.printf("| machine on node B, which lacks it: create → running (fetch, verify, unpack, start) | %.2f |%n", startOnB);
            System.out.printf("| ratio node B / baseline | %.2f |%n", startOnB / (tarX + startOnA));
            System.out.printf("| a second machine on node B (no fetch), create → running | %.2f |%n", againOnB);
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

    /** busybox's root plus {@code /data/random} of dataMiB MiB of random bytes, as one plain tarball. */
    private Path buildImage(Path work) throws Exception {
        Path root = Files.createDirectories(work.resolve("image-root"));
        Path busybox = BusyboxImage.build(BusyboxImage.DEFAULT_BUSYBOX, work.resolve("busybox.tar"));
        Cmd.check("tar", "-x", "--numeric-owner", "-f", busybox.toString(), "-C", root.toString());
        Files.createDirectories(root.resolve("data"));
        byte[] block = new byte[1 << 20];
        Random random = new Random(15);
        try (OutputStream out = Files.newOutputStream(root.resolve("data/random"))) {
            for (int i = 0; i < dataMiB; i++) {
                random.nextBytes(block);
                out.write(block);
            }
        }
        Path tarball = work.resolve("bench-image.tar");
        Cmd.check("tar", "-c", "--numeric-owner", "-f", tarball.toString(), "-C", root.toString(), ".");
        Cmd.check("rm", "-rf", "--one-file-system", root.toString());
        return tarball;
    }

    private static Map<?, ?> importImage(String base, RequestSigner signer, Path file) throws Exception {
        String target = "/ops/images?name=bench-image&version=1.0.0&os=linux";
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + target)).timeout(Duration.ofMinutes(30))
                .POST(HttpRequest.BodyPublishers.ofFile(file));
        signer.headers("POST", target, ZonedDateTime.now(ZoneOffset.UTC)).forEach(request::header);
        HttpResponse<String> r = HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 201) {
            throw new IllegalStateException("the import answered " + r.statusCode() + ": " + r.body());
        }
        return Json.read(r.body(), Map.class);
    }

    /** Seconds from the create of a machine of {@code image} with {@code pkg} until it runs. */
    private static double machine(SignedClient tenant, String image, String pkg, String name) throws InterruptedException {
        long t = System.nanoTime();
        var created = tenant.post("/my/machines", Map.of("name", name, "image", image, "package", pkg));
        if (created.status() != 201) {
            throw new IllegalStateException("create answered " + created.status() + ": " + created.body());
        }
        UUID id = UUID.fromString(created.json().get("id").toString());
        Instant deadline = Instant.now().plus(Duration.ofMinutes(5));
        while (true) {
            var m = tenant.get("/my/machines/" + id);
            if ("running".equals(m.state())) {
                break;
            }
            if ("failed".equals(m.state()) || Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("machine " + name + " did not run: " + m.body());
            }
            Thread.sleep(20);
        }
        double s = (System.nanoTime() - t) / 1e9;
        say(String.format("machine %s (%s) running after %.2f s", name, pkg, s));
        return s;
    }

    private static RuncZoneBackend agent(TestZooKeeper zk, Path work, String node, String trait, List<RuncZoneBackend> backends,
                                         Deque<AutoCloseable> started) throws Exception {
        RuncZoneBackend backend = RuncZoneBackend.open(AgentConfig.of(work.resolve(node), node));
        backends.add(backend);
        CuratorFramework client = push(started, zk.newClient());
        backend.fetchImagesWith(new ImageFetcher(backend.images(), backend.config().imagesDir(), push(started, ZkImageStores.start(client))));
        var advert = new NodeAdvert(node, "127.0.0.1", "runc", new NodeCapacity(8192, 100_000, 2), Map.of("bench", trait), Instant.now());
        NodeCoordinator coordinator = push(started, NodeCoordinator.start(client, backend, advert, backend.config().stateDir(),
                Duration.ofMillis(500)));
        if (!coordinator.membership().awaitAdvertised(Duration.ofSeconds(10))) {
            throw new IllegalStateException("node " + node + " did not advertise itself");
        }
        return backend;
    }

    private interface Work {
        void run() throws Exception;
    }

    private static double seconds(Work work) throws Exception {
        long t = System.nanoTime();
        work.run();
        return (System.nanoTime() - t) / 1e9;
    }

    private static <T extends AutoCloseable> T push(Deque<AutoCloseable> started, T resource) {
        started.push(resource);
        return resource;
    }

    private static void say(String line) {
        System.out.println("[image-fetch-bench] " + line);
    }
}
