package io.gantry.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.gantry.agent.host.Cmd;
import io.gantry.agent.host.HostProbe;
import io.gantry.agent.image.BusyboxImage;
import io.gantry.agent.net.Underlay;
import io.gantry.agent.runc.RuncZoneBackend;
import io.gantry.common.Json;
import io.gantry.provisioner.LeaderLoop;
import io.gantry.provisioner.placement.Strategy;
import io.gantry.testkit.SignedClient;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * An image imported once through {@code POST /ops/images} runs on two real runc nodes that did not have it: each
 * fetches it from the image store found in ZooKeeper, verifies it and imports it, once per node however many of its
 * zones use it; a node with a partial download resumes it (only the rest is sent); a blob damaged in the store fails
 * the provision with a clear reason and nothing imported. Needs root and runc.
 */
@Tag("zones")
class ImageFetchRuncTest {
    private static final Duration SETTLE = Duration.ofSeconds(90);

    @Test
    void anImageImportedOnceIsFetchedByEachNodeOnFirstUse() throws Exception {
        HostProbe.whyNoRealZones().ifPresent(why -> assumeTrue(false, why));
        Path work = Files.createTempDirectory("gantry-image-fetch-");
        String suffix = Long.toString(ProcessHandle.current().pid() % 1000);
        List<RuncZoneBackend> backends = new ArrayList<>();
        try (ControlPlaneFixture fixture = ControlPlaneFixture.start(work.resolve("zookeeper"));
             ControlPlaneFixture.Plane plane = fixture.planeWithImageStore(work.resolve("imagestore"))) {
            List<String> nodes = List.of("if1x" + suffix, "if2x" + suffix);
            for (String node : nodes) {
                assertThat(plane.startRuncAgent(work, node, backends, Underlay.loopback(node), false)).isNull();
            }
            plane.provisioner("p1", Strategy.SPREAD, LeaderLoop.StepHook.NONE);
            Path adminKey = plane.operator("admin", work.resolve("keys"));
            Path tarball = BusyboxImage.build(BusyboxImage.DEFAULT_BUSYBOX, work.resolve("bb.tar"));
            byte[] bytes = Files.readAllBytes(tarball);
            Map<?, ?> image = importImage(plane, adminKey, tarball, "fetched-bb");
            String id = String.valueOf(image.get("node_image"));

            // the second node was interrupted a third of the way through an earlier fetch
            RuncZoneBackend second = backends.get(1);
            int partial = bytes.length / 3;
            Files.createDirectories(second.config().imagesDir());
            Files.write(second.config().imagesDir().resolve(".fetch-" + id + ".partial"), Arrays.copyOf(bytes, partial));

            SignedClient tenant = plane.account("fetcher" + suffix);
            List<UUID> first = List.of(create(tenant, image, "a1", plane.smallPackage), create(tenant, image, "a2", plane.smallPackage));
            Map<UUID, String> nodeOf = awaitRunning(tenant, first);
            assertThat(nodeOf.values()).as("one machine on each node").containsExactlyInAnyOrderElementsOf(nodes);
            for (RuncZoneBackend backend : backends) {
                assertThat(backend.images().findById(id)).as("image on %s", backend.config().node()).isPresent();
                assertThat(backend.config().imagesDir().resolve(".fetch-" + id + ".partial")).doesNotExist();
                UUID zone = backend.list().get(0).uuid();
                assertThat(backend.exec(zone, List.of("busybox", "echo", "up"), Duration.ofSeconds(10)).stdout().strip()).isEqualTo("up");
            }
            long served = plane.imageStore.server().bytesServed();
            assertThat(served).as("bytes sent: the whole file to the first node, the rest of its partial file to the second")
                    .isEqualTo(bytes.length + (bytes.length - partial));
            assertThat(plane.imageStore.server().blobsServed()).isEqualTo(2);

            List<UUID> more = List.of(create(tenant, image, "b1", plane.smallPackage), create(tenant, image, "b2", plane.smallPackage));
            awaitRunning(tenant, more);
            assertThat(plane.imageStore.server().blobsServed()).as("fetches after a second zone of the image on each node").isEqualTo(2);

            // a blob damaged in the store: the provision fails with the reason, and nothing is imported
            Path gzipped = work.resolve("bb.tar.gz");
            try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gzipped))) {
                Files.copy(tarball, out);
            }
            Map<?, ?> damaged = importImage(plane, adminKey, gzipped, "damaged-bb");
            String damagedId = String.valueOf(damaged.get("node_image"));
            try (RandomAccessFile blob = new RandomAccessFile(work.resolve("imagestore/blobs/sha256/" + damagedId).toFile(), "rw")) {
                blob.seek(blob.length() / 2);
                int b = blob.read();
                blob.seek(blob.length() / 2);
                blob.write(b ^ 0xff);
            }
            UUID doomed = create(tenant, damaged, "c1", plane.smallPackage);
            Poll.until(SETTLE, () -> assertThat(tenant.get("/my/machines/" + doomed).state()).isEqualTo("failed"));
            String error = String.valueOf(plane.query("select error from jobs where machine_id = ? and action = 'provision'", doomed)
                    .get(0).get(0));
            assertThat(error).contains("image " + damagedId + " could not be fetched from " + plane.imageStore.baseUrl())
                    .contains("sha256");
            for (RuncZoneBackend backend : backends) {
                assertThat(backend.images().findById(damagedId)).isEmpty();
                assertThat(backend.config().imagesDir().resolve(".fetch-" + damagedId + ".partial")).doesNotExist();
            }
        } finally {
            for (RuncZoneBackend backend : backends) {
                backend.destroyNode();
            }
            Cmd.run("rm", "-rf", "--one-file-system", work.toString());
        }
    }

    private static Map<?, ?> importImage(ControlPlaneFixture.Plane plane, Path adminKey, Path file, String name) {
        GantryRun run = GantryRun.of(List.of("catalog", "image", "import", file.toString(), "--name", name, "--version", "1.0.0",
                "--operator-key", adminKey.toString(), "--cloudapi-url", plane.url()));
        assertThat(run.exit()).as(run.toString()).isZero();
        return Json.read(run.out(), Map.class);
    }

    private static UUID create(SignedClient tenant, Map<?, ?> image, String name, String pkg) {
        var r = tenant.post("/my/machines", Map.of("name", name, "image", image.get("id"), "package", pkg));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return UUID.fromString(r.json().get("id").toString());
    }

    private static Map<UUID, String> awaitRunning(SignedClient tenant, List<UUID> ids) {
        Map<UUID, String> nodeOf = new HashMap<>();
        Poll.until(SETTLE, () -> {
            for (UUID id : ids) {
                var m = tenant.get("/my/machines/" + id);
                assertThat(m.state()).as("machine %s: %s", id, m.body()).isEqualTo("running");
                nodeOf.put(id, String.valueOf(m.json().get("compute_node")));
            }
        });
        return nodeOf;
    }
}
