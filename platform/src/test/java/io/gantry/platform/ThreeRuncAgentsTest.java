package io.gantry.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.gantry.agent.host.Cmd;
import io.gantry.agent.host.HostProbe;
import io.gantry.agent.net.Underlay;
import io.gantry.agent.runc.RuncZoneBackend;
import io.gantry.cloudapi.Seed;
import io.gantry.common.Zone;
import io.gantry.common.ZoneState;
import io.gantry.common.net.NodeUnderlay;
import io.gantry.provisioner.LeaderLoop;
import io.gantry.provisioner.placement.Strategy;
import io.gantry.testkit.OverlayLab;
import io.gantry.testkit.SignedClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Three real runc agents on this machine, each with its own state dir, node name, node network namespace and
 * underlay (one node namespace of an {@link OverlayLab}), behind one cloud API and provisioner, as a tenant and
 * its network see them through the cloud API alone: machines spread over the nodes and run there; the tenant's
 * machines reach each other across nodes on its default fabric (VXLAN) and the outside through NAT; another
 * tenant's machine with the same subnet reaches none of them; an external NIC added through the API makes a
 * machine reachable from its host, a fabric address never is; a firewall rule made through the API is enforced
 * on the node within a second, and its removal too. Needs root and runc.
 */
@Tag("zones")
class ThreeRuncAgentsTest {
    private static final Duration SETTLE = Duration.ofSeconds(60);
    private static final Duration ENFORCED = Duration.ofSeconds(1);
    private static final int PORT = 8080;

    @Test
    void tenantNetworksSpanThreeRealNodesThroughTheCloudApi() throws Exception {
        HostProbe.whyNoRealZones().ifPresent(why -> assumeTrue(false, why));
        OverlayLab.whyUnavailable().ifPresent(why -> assumeTrue(false, why));
        Path work = Files.createTempDirectory("gantry-three-agents-");
        String suffix = Long.toString(ProcessHandle.current().pid() % 1000);
        List<RuncZoneBackend> backends = new ArrayList<>();
        try (OverlayLab lab = OverlayLab.start(3);
             ControlPlaneFixture fixture = ControlPlaneFixture.start(work.resolve("zookeeper"));
             ControlPlaneFixture.Plane plane = fixture.plane()) {
            String imageId = null;
            Map<String, Integer> labIndex = new HashMap<>();
            for (int i = 0; i < 3; i++) {
                String node = "ta" + i + "x" + suffix;
                labIndex.put(node, i);
                imageId = plane.startRuncAgent(work, node, backends,
                        new Underlay(lab.underlayIp(i), lab.underlayNetns(i), NodeUnderlay.VXLAN_PORT));
            }
            UUID external;
            try (Seed seed = new Seed(plane.db)) {
                seed.image("busybox", "1.0.0", "other", imageId, "busybox, as every node imported it");
                external = seed.network("outside-" + suffix, "203.0.113.0/24", "the operator's external network");
            }
            plane.provisioner("p1", Strategy.SPREAD, LeaderLoop.StepHook.NONE);
            SignedClient alice = plane.account("alice" + suffix);
            SignedClient bob = plane.account("bob" + suffix);

            List<UUID> ids = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                ids.add(create(alice, plane.machine("z" + i, plane.smallPackage)));
            }
            Map<UUID, String> nodeOf = new HashMap<>();
            Map<UUID, String> ipOf = new HashMap<>();
            awaitRunning(alice, ids, nodeOf, ipOf);
            assertThat(nodeOf.values()).as("one machine per node; how each was placed: %s", placements(plane, ids))
                    .doesNotHaveDuplicates().hasSize(3);
            assertThat(ipOf.values()).as("addresses of alice's default fabric, one each").doesNotHaveDuplicates()
                    .allMatch(ip -> ip.startsWith("192.168.12") || ip.startsWith("192.168.13"));
            Map<String, RuncZoneBackend> backendOf = new HashMap<>();
            for (RuncZoneBackend backend : backends) {
                backendOf.put(backend.config().node(), backend);
                List<Zone> zones = backend.list();
                assertThat(zones).as("zones on %s", backend.config().node()).hasSize(1);
                Zone zone = zones.get(0);
                assertThat(zone.state()).isEqualTo(ZoneState.RUNNING);
                assertThat(nodeOf.get(zone.uuid())).isEqualTo(backend.config().node());
                assertThat(backend.exec(zone.uuid(), List.of("hostname"), Duration.ofSeconds(10)).stdout().strip())
                        .as("the zone runs, named as the machine").isEqualTo("z" + ids.indexOf(zone.uuid()));
            }
            UUID z0 = ids.get(0);
            UUID z1 = ids.get(1);
            UUID z2 = ids.get(2);
            String ns0 = backendOf.get(nodeOf.get(z0)).layout(z0).netns();
            String ns1 = backendOf.get(nodeOf.get(z1)).layout(z1).netns();
            String ns2 = backendOf.get(nodeOf.get(z2)).layout(z2).netns();

            Poll.until(SETTLE, () -> {
                assertThat(lab.ping(ns0, ipOf.get(z1))).as("z0 -> z1 across nodes").isTrue();
                assertThat(lab.ping(ns0, ipOf.get(z2))).as("z0 -> z2 across nodes").isTrue();
                assertThat(lab.ping(ns2, ipOf.get(z1))).as("z2 -> z1 across nodes").isTrue();
            });
            assertThat(lab.ping(ns1, lab.outsideIp())).as("z1 -> the outside, through NAT").isTrue();

            UUID b0 = create(bob, plane.machine("b0", plane.smallPackage));
            Map<UUID, String> bobNode = new HashMap<>();
            Map<UUID, String> bobIp = new HashMap<>();
            awaitRunning(bob, List.of(b0), bobNode, bobIp);
            assertThat(ipOf.values()).as("bob's default fabric is the same subnet: his first address is alice's first")
                    .contains(bobIp.get(b0));
            String nsB = backendOf.get(bobNode.get(b0)).layout(b0).netns();
            for (UUID id : ids) {
                if (!ipOf.get(id).equals(bobIp.get(b0))) {
                    assertThat(lab.ping(nsB, ipOf.get(id))).as("bob's b0 -> alice's %s", ipOf.get(id)).isFalse();
                }
            }

            int hostOfZ2 = labIndex.get(nodeOf.get(z2));
            assertThat(lab.ping(lab.underlayNetns(hostOfZ2), ipOf.get(z2))).as("z2's host -> its fabric address").isFalse();
            var nic = alice.post("/my/machines/" + z2 + "/nics", Map.of("network", external.toString()));
            assertThat(nic.status()).as(nic.body()).isEqualTo(201);
            String externalIp = String.valueOf(nic.json().get("ip"));
            assertThat(externalIp).startsWith("203.0.113.");
            Poll.until(SETTLE, () -> assertThat(alice.get("/my/machines/" + z2 + "/nics/" + nic.json().get("mac")).json().get("state"))
                    .isEqualTo("running"));
            Poll.until(Duration.ofSeconds(10), () -> assertThat(lab.ping(lab.underlayNetns(hostOfZ2), externalIp))
                    .as("z2's host -> its external address").isTrue());
            assertThat(alice.get("/my/machines/" + z2).json().get("ips").toString()).contains(externalIp);

            lab.listen(ns1, PORT);
            assertThat(lab.tcpReachable(ns2, ipOf.get(z1), PORT)).as("z2 -> z1:%d, no firewall", PORT).isTrue();
            var rule = alice.post("/my/fwrules", Map.of("rule", "FROM vm " + z0 + " TO vm " + z1 + " ALLOW tcp PORT " + PORT,
                    "enabled", true));
            assertThat(rule.status()).as(rule.body()).isIn(200, 201);
            assertThat(alice.post("/my/machines/" + z1 + "?action=enable_firewall", Map.of()).status()).isEqualTo(202);
            assertThat(msUntil(() -> !lab.tcpReachable(ns2, ipOf.get(z1), PORT)))
                    .as("ms from enabling z1's firewall to z2 -> z1:%d refused", PORT).isLessThanOrEqualTo(ENFORCED.toMillis());
            assertThat(lab.tcpReachable(ns0, ipOf.get(z1), PORT)).as("z0 -> z1, allowed by the rule").isTrue();
            assertThat(alice.delete("/my/fwrules/" + rule.json().get("id")).status()).isEqualTo(204);
            assertThat(msUntil(() -> !lab.tcpReachable(ns0, ipOf.get(z1), PORT)))
                    .as("ms from deleting the rule to z0 -> z1:%d refused", PORT).isLessThanOrEqualTo(ENFORCED.toMillis());

            for (UUID id : ids) {
                assertThat(alice.delete("/my/machines/" + id).status()).isEqualTo(204);
            }
            assertThat(bob.delete("/my/machines/" + b0).status()).isEqualTo(204);
            Poll.until(SETTLE, () -> {
                for (UUID id : ids) {
                    assertThat(alice.get("/my/machines/" + id).state()).isEqualTo("deleted");
                }
                assertThat(bob.get("/my/machines/" + b0).state()).isEqualTo("deleted");
            });
            for (RuncZoneBackend backend : backends) {
                assertThat(backend.list()).as("zones left on %s", backend.config().node()).isEmpty();
            }
            assertThat(plane.query("select count(*) from nics n join accounts a on a.id = n.account_id where a.login in (?, ?)",
                    "alice" + suffix, "bob" + suffix).get(0).get(0)).as("NICs left in the record").isEqualTo(0L);
        } finally {
            for (RuncZoneBackend backend : backends) {
                backend.destroyNode();
            }
            Cmd.run("rm", "-rf", "--one-file-system", work.toString());
        }
    }

    /**
     * Milliseconds from now to the start of the first probe that finds {@code condition} true (a probe of a
     * blocked connection itself takes its timeout to answer, so its start is when the change was already in force).
     */
    private static long msUntil(BooleanSupplier condition) {
        long start = System.nanoTime();
        while (System.nanoTime() - start < SETTLE.toNanos()) {
            long probe = System.nanoTime();
            if (condition.getAsBoolean()) {
                long ms = (probe - start) / 1_000_000;
                System.out.printf("enforced %d ms after the API answered%n", ms);
                return ms;
            }
        }
        return SETTLE.toMillis();
    }

    private static UUID create(SignedClient tenant, Map<String, Object> machine) {
        var r = tenant.post("/my/machines", machine);
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return UUID.fromString(r.json().get("id").toString());
    }

    /**
     * Each provision's placement as the record keeps it (nodes evaluated, feasible, scores) and the nodes' rows: with
     * three open nodes and a candidate limit of 3, spread puts one machine on each, which this shows when it did not.
     */
    private static String placements(ControlPlaneFixture.Plane plane, List<UUID> ids) {
        String in = ids.stream().map(id -> "'" + id + "'").collect(Collectors.joining(","));
        return plane.query("select machine_id, node, params from jobs where action = 'provision' and machine_id in (" + in + ")")
                + "; nodes: " + plane.query("select name, alive, last_heartbeat, maintenance from compute_nodes order by name");
    }

    private static void awaitRunning(SignedClient tenant, List<UUID> ids, Map<UUID, String> nodeOf, Map<UUID, String> ipOf) {
        Poll.until(SETTLE, () -> {
            for (UUID id : ids) {
                var m = tenant.get("/my/machines/" + id);
                assertThat(m.state()).as("machine %s: %s", id, m.body()).isEqualTo("running");
                nodeOf.put(id, String.valueOf(m.json().get("compute_node")));
                ipOf.put(id, String.valueOf(m.json().get("primaryIp")));
            }
        });
    }
}
