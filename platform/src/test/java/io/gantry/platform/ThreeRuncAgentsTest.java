package io.gantry.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.gantry.agent.host.Cmd;
import io.gantry.agent.host.HostProbe;
import io.gantry.agent.runc.RuncZoneBackend;
import io.gantry.cloudapi.Seed;
import io.gantry.common.Zone;
import io.gantry.common.ZoneState;
import io.gantry.provisioner.LeaderLoop;
import io.gantry.provisioner.placement.Strategy;
import io.gantry.testkit.SignedClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Three real runc agents on this machine, each with its own state dir, node name and node network
 * namespace, behind one cloud API and provisioner: machines spread over them and really run there.
 * Needs root and runc.
 */
@Tag("zones")
class ThreeRuncAgentsTest {
    private static final Duration SETTLE = Duration.ofSeconds(60);

    @Test
    void machinesSpreadOverThreeRealNodesAndRunThere() throws Exception {
        HostProbe.whyNoRealZones().ifPresent(why -> assumeTrue(false, why));
        Path work = Files.createTempDirectory("gantry-three-agents-");
        String suffix = Long.toString(ProcessHandle.current().pid() % 1000);
        List<RuncZoneBackend> backends = new ArrayList<>();
        try (ControlPlaneFixture fixture = ControlPlaneFixture.start(work.resolve("zookeeper"));
             ControlPlaneFixture.Plane plane = fixture.plane()) {
            String imageId = null;
            for (int i = 1; i <= 3; i++) {
                String node = "ta" + i + "x" + suffix;
                imageId = plane.startRuncAgent(work, node, backends);
            }
            try (Seed seed = new Seed(plane.db)) {
                seed.image("busybox", "1.0.0", "other", imageId, "busybox, as every node imported it");
            }
            plane.provisioner("p1", Strategy.SPREAD, LeaderLoop.StepHook.NONE);
            SignedClient tenant = plane.account("three");

            List<UUID> ids = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                var r = tenant.post("/my/machines", plane.machine("z" + i, plane.smallPackage));
                assertThat(r.status()).as(r.body()).isEqualTo(201);
                ids.add(UUID.fromString(r.json().get("id").toString()));
            }
            Map<UUID, String> nodeOf = new HashMap<>();
            Poll.until(SETTLE, () -> {
                for (UUID id : ids) {
                    var m = tenant.get("/my/machines/" + id);
                    assertThat(m.state()).as("machine %s: %s", id, m.body()).isEqualTo("running");
                    nodeOf.put(id, String.valueOf(m.json().get("compute_node")));
                }
            });
            assertThat(nodeOf.values()).as("one machine per node").doesNotHaveDuplicates().hasSize(3);
            for (RuncZoneBackend backend : backends) {
                List<Zone> zones = backend.list();
                assertThat(zones).as("zones on %s", backend.config().node()).hasSize(1);
                Zone zone = zones.get(0);
                assertThat(zone.state()).isEqualTo(ZoneState.RUNNING);
                assertThat(nodeOf.get(zone.uuid())).isEqualTo(backend.config().node());
                assertThat(backend.exec(zone.uuid(), List.of("hostname"), Duration.ofSeconds(10)).stdout().strip())
                        .as("the zone runs, named as the machine").isEqualTo("z" + ids.indexOf(zone.uuid()));
            }
            assertThat(Cmd.run("ip", "netns", "list").stdout()).as("a network namespace per node")
                    .contains(backends.stream().map(b -> "gantry-" + b.config().node()).toArray(String[]::new));

            for (UUID id : ids) {
                assertThat(tenant.delete("/my/machines/" + id).status()).isEqualTo(204);
            }
            Poll.until(SETTLE, () -> {
                for (UUID id : ids) {
                    assertThat(tenant.get("/my/machines/" + id).state()).isEqualTo("deleted");
                }
            });
            for (RuncZoneBackend backend : backends) {
                assertThat(backend.list()).as("zones left on %s", backend.config().node()).isEmpty();
            }
        } finally {
            for (RuncZoneBackend backend : backends) {
                backend.destroyNode();
            }
            Cmd.run("rm", "-rf", "--one-file-system", work.toString());
        }
    }
}
