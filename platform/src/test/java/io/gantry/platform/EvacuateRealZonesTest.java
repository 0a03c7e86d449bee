package io.gantry.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.gantry.agent.AgentConfig;
import io.gantry.agent.coord.NodeCoordinator;
import io.gantry.agent.host.Cmd;
import io.gantry.agent.host.HostProbe;
import io.gantry.agent.image.BusyboxImage;
import io.gantry.agent.move.DiskServer;
import io.gantry.agent.move.RuncZoneMover;
import io.gantry.agent.runc.RuncZoneBackend;
import io.gantry.cloudapi.Seed;
import io.gantry.common.Zone;
import io.gantry.common.ZoneState;
import io.gantry.common.coord.NodeAdvert;
import io.gantry.common.coord.NodeCapacity;
import io.gantry.provisioner.LeaderLoop;
import io.gantry.provisioner.placement.Strategy;
import io.gantry.testkit.SignedClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Evacuation with two real runc agents on this machine (each its own state dir, node name and network namespace,
 * each serving disks on a free loopback port): a machine made through the API, with a file written into its disk,
 * stopped, evacuated with {@code gantry server evacuate --wait}, keeps its UUID, address, tags and metadata; its
 * disk crossed over HTTP to the other node, the source's zone is gone, and it starts there with the file in it.
 * Needs root and runc.
 */
@Tag("zones")
class EvacuateRealZonesTest {
    private static final Duration SETTLE = Duration.ofSeconds(90);

    @Test
    void aStoppedMachineMovesToAnotherRealNodeWithItsDiskAndAddressAndStartsThere() throws Exception {
        HostProbe.whyNoRealZones().ifPresent(why -> assumeTrue(false, why));
        Path work = Files.createTempDirectory("gantry-evacuate-");
        String suffix = Long.toString(ProcessHandle.current().pid() % 10000);
        List<RuncZoneBackend> backends = new ArrayList<>();
        try (ControlPlaneFixture fixture = ControlPlaneFixture.start(work.resolve("zookeeper"));
             ControlPlaneFixture.Plane plane = fixture.plane()) {
            String source = "evs" + suffix;
            String target = "evt" + suffix;
            String imageId = agent(plane, work, source, backends);
            try (Seed seed = new Seed(plane.db)) {
                seed.image("busybox", "1.0.0", "other", imageId, "busybox, as every node imported it");
            }
            plane.provisioner("p1", Strategy.SPREAD, LeaderLoop.StepHook.NONE);
            Path adminKey = plane.operator("admin", work.resolve("keys"));
            SignedClient tenant = plane.account("mover");

            Map<String, Object> body = new HashMap<>(plane.machine("web1", plane.smallPackage));
            body.put("tag.role", "web");
            body.put("metadata.owner", "team-a");
            var created = tenant.post("/my/machines", body);
            assertThat(created.status()).as(created.body()).isEqualTo(201);
            UUID id = UUID.fromString(created.json().get("id").toString());
            Poll.until(SETTLE, () -> assertThat(tenant.get("/my/machines/" + id).state()).isEqualTo("running"));
            RuncZoneBackend from = backends.get(0);
            assertThat(from.exec(id, List.of("sh", "-c", "echo evacuated-data > /proof.txt && dd if=/dev/urandom of=/blob bs=1M count=8"
                    + " 2>/dev/null && md5sum /blob > /blob.md5 && sync"), Duration.ofSeconds(30)).exitCode()).isZero();
            String md5 = from.exec(id, List.of("cat", "/blob.md5"), Duration.ofSeconds(10)).stdout();

            assertThat(tenant.post("/my/machines/" + id + "?action=stop", Map.of()).status()).isEqualTo(202);
            Poll.until(SETTLE, () -> assertThat(tenant.get("/my/machines/" + id).state()).isEqualTo("stopped"));
            Map<String, Object> before = tenant.get("/my/machines/" + id).json();
            assertThat(before.get("compute_node")).isEqualTo(source);
            agent(plane, work, target, backends);
            RuncZoneBackend to = backends.get(1);

            GantryRun run = GantryRun.of(List.of("server", "evacuate", source, "--machine", id.toString(), "--wait",
                    "--operator-key", adminKey.toString(), "--cloudapi-url", plane.url()));

            assertThat(run.exit()).as(run.toString()).isZero();
            assertThat(run.out()).contains("  done: machine " + id + " is on node " + target);
            Map<String, Object> after = tenant.get("/my/machines/" + id).json();
            assertThat(after.get("compute_node")).isEqualTo(target);
            for (String same : List.of("id", "name", "state", "ips", "primaryIp", "tags", "metadata", "package", "image", "memory", "disk")) {
                assertThat(after.get(same)).as(same).isEqualTo(before.get(same));
            }
            assertThat(from.find(id)).as("the source's zone is gone").isEmpty();
            assertThat(from.layout(id).dir()).doesNotExist();
            Zone moved = to.find(id).orElseThrow();
            assertThat(moved.state()).isEqualTo(ZoneState.STOPPED);
            assertThat(moved.ip()).isEqualTo(before.get("primaryIp"));
            // both nodes are on this host: the source removing its copy must leave the target's namespace and NIC be
            String movedNs = to.layout(id).netns();
            assertThat(movedNs).isNotEqualTo(from.layout(id).netns());
            assertThat(Cmd.run("nsenter", "--net=/run/netns/" + movedNs, "ip", "-o", "link", "show", "eth0").ok())
                    .as("eth0 in the moved zone's namespace %s on the target", movedNs).isTrue();

            assertThat(tenant.post("/my/machines/" + id + "?action=start", Map.of()).status()).isEqualTo(202);
            Poll.until(SETTLE, () -> assertThat(tenant.get("/my/machines/" + id).state()).isEqualTo("running"));
            assertThat(to.exec(id, List.of("cat", "/proof.txt"), Duration.ofSeconds(10)).stdout()).isEqualTo("evacuated-data\n");
            assertThat(to.exec(id, List.of("md5sum", "/blob"), Duration.ofSeconds(10)).stdout()).as("8 MiB of random data, whole")
                    .isEqualTo(md5);
            assertThat(to.exec(id, List.of("ip", "-4", "-o", "addr", "show", "eth0"), Duration.ofSeconds(10)).stdout())
                    .as("the zone answers on its old address, in its default fabric (/22)").contains(" " + before.get("primaryIp") + "/22");

            assertThat(tenant.delete("/my/machines/" + id).status()).isEqualTo(204);
            Poll.until(SETTLE, () -> assertThat(tenant.get("/my/machines/" + id).state()).isEqualTo("deleted"));
            assertThat(to.list()).isEmpty();
        } finally {
            for (RuncZoneBackend backend : backends) {
                backend.destroyNode();
            }
            Cmd.run("rm", "-rf", "--one-file-system", work.toString());
        }
    }

    /** A real runc node with busybox, serving disks on a free loopback port, coordinating through the plane; answers busybox's id. */
    private static String agent(ControlPlaneFixture.Plane plane, Path work, String node, List<RuncZoneBackend> backends) throws Exception {
        RuncZoneBackend backend = RuncZoneBackend.open(AgentConfig.of(work.resolve(node), node));
        backends.add(backend);
        Path tarball = BusyboxImage.build(BusyboxImage.DEFAULT_BUSYBOX, work.resolve(node + "-busybox.tar"));
        String imageId = backend.images().importTarball(tarball, BusyboxImage.NAME).id();
        DiskServer disks = plane.closeLater(DiskServer.start(backend.config().stateDir(), "127.0.0.1", 0));
        var advert = new NodeAdvert(node, "127.0.0.1", "runc", new NodeCapacity(4096, 100_000, 2), Map.of(), Instant.now());
        NodeCoordinator coordinator = plane.closeLater(NodeCoordinator.start(plane.client(), backend, advert,
                backend.config().stateDir(), Duration.ofMillis(500), new RuncZoneMover(backend, disks)));
        assertThat(coordinator.membership().awaitAdvertised(Duration.ofSeconds(10))).isTrue();
        return imageId;
    }
}
