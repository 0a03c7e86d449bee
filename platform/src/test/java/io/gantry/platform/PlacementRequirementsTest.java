package io.gantry.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.gantry.cloudapi.Seed;
import io.gantry.common.Zone;
import io.gantry.platform.ControlPlaneFixture.Agent;
import io.gantry.provisioner.LeaderLoop;
import io.gantry.provisioner.placement.Strategy;
import io.gantry.testkit.SignedClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What a machine requires of its node, end to end: a node's traits ({@code gantry agent --trait K=V}) decide where
 * machines of a package that requires them go (the real cloud API records the package's traits on the machine, the
 * real provisioner places by them, the real agents take the tasks), and a node takes no more vCPUs than its CPUs
 * times the CPU overprovision ratio. The agents' zones are SIMULATED ({@code SimulatedZoneBackend}, counted by
 * {@link CountingZoneBackend}): this proves placement, not isolation.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PlacementRequirementsTest extends WithControlPlane {
    @Test
    @SuppressWarnings("unchecked")
    void machinesOfAPackageRequiringATraitLandOnTheOneNodeThatHasIt() throws Exception {
        Agent plain = plane.agent("cn1", 8192, stateDirs.resolve("cn1"), Map.of());
        Agent fast = plane.agent("cn2", 8192, stateDirs.resolve("cn2"), Map.of("ssd", "true", "rack", "r7"));
        plane.pkg("ssd-128M", 128, 1024, Map.of("ssd", true));
        // spread would put every other machine on the empty plain node if traits did not matter
        leading(plane.provisioner("p1", Strategy.SPREAD, LeaderLoop.StepHook.NONE));
        SignedClient tenant = plane.account("traits");

        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(create(tenant, "fast" + i, "ssd-128M"));
        }
        UUID other = create(tenant, "anywhere", plane.smallPackage);
        Poll.until(SETTLE, () -> {
            for (UUID id : ids) {
                var m = tenant.get("/my/machines/" + id);
                assertThat(m.state()).as("machine %s (%s)", id, m.json().get("error")).isEqualTo("running");
                assertThat(m.json().get("compute_node")).as("the only node with ssd=true").isEqualTo("cn2");
            }
            assertThat(tenant.get("/my/machines/" + other).state()).isEqualTo("running");
        });
        assertThat(fast.backend().list()).extracting(Zone::uuid).containsAll(ids);
        assertThat(plain.backend().list()).extracting(Zone::uuid).doesNotContainAnyElementsOf(ids);

        // the provision's audit entry keeps how the node was chosen
        List<Map<String, Object>> audit = tenant.get("/my/machines/" + ids.get(0) + "/audit").list();
        Map<String, Object> provision = audit.stream().filter(a -> "provision".equals(a.get("action"))).findFirst().orElseThrow();
        Map<String, Object> placement = (Map<String, Object>) ((Map<String, Object>) provision.get("parameters")).get("placement");
        assertThat(placement).containsEntry("node", "cn2").containsKeys("scores", "score", "nodes_evaluated", "nodes_feasible");
        assertThat((Map<String, Object>) placement.get("scores")).containsKeys("spread", "tenant-spread", "soft-affinity");
        assertThat(placement.get("nodes_feasible")).as("cn1 lacks the trait").isEqualTo(1);
    }

    @Test
    void aMachineWhosePackageRequiresATraitNoNodeHasFailsNamingTheTraitsFilter() throws Exception {
        Agent cn1 = plane.agent("cn1", 8192, stateDirs.resolve("cn1"), Map.of("ssd", "false"));
        Agent cn2 = plane.agent("cn2", 8192, stateDirs.resolve("cn2"), Map.of());
        plane.pkg("gpu-128M", 128, 1024, Map.of("gpu", List.of("a100", "h100")));
        leading(plane.provisioner("p1", Strategy.SPREAD, LeaderLoop.StepHook.NONE));
        SignedClient tenant = plane.account("nogpu");

        UUID id = create(tenant, "trainer", "gpu-128M");
        Poll.until(SETTLE, () -> assertThat(tenant.get("/my/machines/" + id).state()).isEqualTo("failed"));
        Map<String, Object> m = tenant.get("/my/machines/" + id).json();
        assertThat(String.valueOf(m.get("error")))
                .isEqualTo("no node has the required trait gpu=a100|h100 (nodes rejected: traits 2)");
        assertThat(m.get("compute_node")).isNull();
        assertThat(cn1.backend().list()).isEmpty();
        assertThat(cn2.backend().list()).isEmpty();
    }

    private UUID create(SignedClient tenant, String name, String pkg) {
        var r = tenant.post("/my/machines", plane.machine(name, pkg));
        assertThat(r.status()).as("create %s: %s", name, r.body()).isEqualTo(201);
        return UUID.fromString(r.json().get("id").toString());
    }

    @Test
    void vcpusAreBookedUpToTheNodesCpusTimesTheCpuRatioThenTheCpuFilterSaysNo() throws Exception {
        // each node advertises 4 CPUs; the plane's provisioner books 4 vCPUs per CPU: 16 per node, four of these
        Agent cn1 = plane.agent("cn1", 65536, stateDirs.resolve("cn1"), Map.of());
        Agent cn2 = plane.agent("cn2", 65536, stateDirs.resolve("cn2"), Map.of());
        try (Seed seed = new Seed(plane.db)) {
            seed.pkg("quad-128M", 128, 1024, 4, 400, 256, "four vCPUs", false);
        }
        leading(plane.provisioner("p1", Strategy.PACK, LeaderLoop.StepHook.NONE));
        SignedClient tenant = plane.account("cpus");

        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            ids.add(create(tenant, "quad" + i, "quad-128M"));
        }
        Poll.until(SETTLE, () -> {
            for (UUID id : ids) {
                var m = tenant.get("/my/machines/" + id);
                assertThat(m.state()).as("machine %s (%s)", id, m.json().get("error")).isEqualTo("running");
            }
        });
        assertThat(cn1.backend().list()).as("pack, yet only four fit on cn1").hasSize(4);
        assertThat(cn2.backend().list()).hasSize(4);

        UUID ninth = create(tenant, "quad8", "quad-128M");
        Poll.until(SETTLE, () -> assertThat(tenant.get("/my/machines/" + ninth).state()).isEqualTo("failed"));
        assertThat(String.valueOf(tenant.get("/my/machines/" + ninth).json().get("error")))
                .isEqualTo("no node has 4 vCPUs free; the most free is 0 (nodes rejected: cpu 2)");
    }
}
