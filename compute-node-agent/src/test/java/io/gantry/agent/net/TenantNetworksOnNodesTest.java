package io.gantry.agent.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.gantry.agent.AgentConfig;
import io.gantry.agent.ExecResult;
import io.gantry.agent.coord.NodeCoordinator;
import io.gantry.agent.coord.NodeMembership;
import io.gantry.agent.host.Cmd;
import io.gantry.agent.host.HostProbe;
import io.gantry.agent.image.BusyboxImage;
import io.gantry.agent.runc.RuncZoneBackend;
import io.gantry.common.Json;
import io.gantry.common.Package;
import io.gantry.common.Zone;
import io.gantry.common.ZoneSpec;
import io.gantry.common.ZoneState;
import io.gantry.common.coord.ZkPaths;
import io.gantry.common.net.NetworkKind;
import io.gantry.common.net.Nic;
import io.gantry.common.net.TenantNetView;
import io.gantry.common.net.TenantNetView.Direction;
import io.gantry.common.net.TenantNetView.FirewallEntry;
import io.gantry.common.net.TenantNetView.MachineFirewall;
import io.gantry.common.net.TenantNetView.NicPlacement;
import io.gantry.testkit.OverlayLab;
import io.gantry.testkit.TestZooKeeper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Tenant networks across three nodes on one machine: each node a real {@link RuncZoneBackend} whose underlay is
 * one namespace of an {@link OverlayLab}, with its advert and a {@link NetViewWatcher} on a real ZooKeeper; the
 * tenants' views are written by hand, as the control plane would publish them. The zones are shared by the tests,
 * which run in order.
 */
@Tag("zones")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TenantNetworksOnNodesTest {
    private static final Package SMALL = Package.custom(64, 100, 64, 64);
    private static final String EXTERNAL_SUBNET = "10.250." + ThreadLocalRandom.current().nextInt(1, 250) + ".0/24";

    private OverlayLab lab;
    private TestZooKeeper zk;
    private final List<Node> nodes = new ArrayList<>();
    private final UUID alpha = UUID.randomUUID();
    private final UUID beta = UUID.randomUUID();
    private final TestNics.Fabric alphaNet = TestNics.fabric(true);
    private final TestNics.Fabric betaNet = TestNics.fabric(true);
    private final UUID externalNet = UUID.randomUUID();
    private final Map<UUID, Integer> placement = new LinkedHashMap<>();
    private final Map<UUID, ZoneSpec> specs = new LinkedHashMap<>();
    private Zone a0;
    private Zone a1;
    private Zone a2;
    private Zone b1;
    private Zone e2;
    private long alphaGeneration;

    /** One node: its backend, ZooKeeper client, advert and view watcher. */
    private final class Node {
        final int index;
        final String name;
        final Path stateDir;
        final AgentConfig config;
        RuncZoneBackend backend;
        CuratorFramework client;
        NodeMembership membership;
        NetViewWatcher watcher;
        String imageId;

        Node(int index) throws Exception {
            this.index = index;
            this.name = "t" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()).substring(0, 6);
            this.stateDir = Files.createTempDirectory("gantry-net-");
            this.config = AgentConfig.of(stateDir, name).withUnderlay(new Underlay(lab.underlayIp(index), lab.underlayNetns(index), 4789));
            start();
            imageId = backend.images().importTarball(BusyboxImage.build(BusyboxImage.DEFAULT_BUSYBOX, stateDir.resolve("busybox.tar")),
                    BusyboxImage.NAME).id();
            client = zk.newClient();
            membership = new NodeMembership(client, NodeCoordinator.advertFor(name, lab.underlayIp(index), "runc", Map.of(), stateDir)
                    .withUnderlay(config.underlay().advertised()));
            membership.start();
            watcher = NetViewWatcher.start(client, name, backend.network());
        }

        void start() {
            backend = RuncZoneBackend.open(config);
        }

        /** The agent stops (its watcher and backend go) and starts again, re-programming everything from the record. */
        void restart(Runnable whileDown) {
            watcher.close();
            backend = null;
            whileDown.run();
            start();
            watcher = NetViewWatcher.start(client, name, backend.network());
        }

        void close() {
            for (AutoCloseable c : new AutoCloseable[] {watcher, membership}) {
                try {
                    if (c != null) {
                        c.close();
                    }
                } catch (Exception ignored) {
                    // best effort: the node is destroyed next
                }
            }
            if (client != null) {
                client.close();
            }
            if (backend != null) {
                backend.destroyNode();
            }
            Cmd.run("rm", "-rf", "--one-file-system", stateDir.toString());
        }
    }

    @BeforeAll
    void startNodes() throws Exception {
        HostProbe.whyNoRealZones().ifPresent(why -> assumeTrue(false, why));
        OverlayLab.whyUnavailable().ifPresent(why -> assumeTrue(false, why));
        lab = OverlayLab.start(3);
        zk = TestZooKeeper.shared();
        for (int i = 0; i < 3; i++) {
            nodes.add(new Node(i));
        }
        a0 = create(0, "a0", alpha, List.of(alphaNet.nic(1)));
        a1 = create(1, "a1", alpha, List.of(alphaNet.nic(2)));
        a2 = create(2, "a2", alpha, List.of(alphaNet.nic(3)));
        // beta's zone on node 1 has alpha a0's address, on the same subnet
        b1 = create(1, "b1", beta, List.of(betaNet.nic(1)));
        e2 = create(2, "e2", alpha, List.of(TestNics.secondary(alphaNet.nic(4)), TestNics.external(externalNet, EXTERNAL_SUBNET, 20, true)));
        publishAlpha(List.of());
        publish(beta, 1, List.of());
    }

    @AfterAll
    void stopNodes() {
        for (Node n : nodes) {
            n.close();
        }
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    @Order(1)
    void aTenantsZonesOnThreeNodesReachEachOtherByAddress() {
        await().atMost(Duration.ofSeconds(5)).until(() -> ping(a0, a1.ip()));
        assertThat(ping(a0, a2.ip())).as("node 0 -> node 2").isTrue();
        assertThat(ping(a2, a0.ip())).as("node 2 -> node 0").isTrue();
        assertThat(ping(a1, a2.ip())).as("node 1 -> node 2").isTrue();
        assertThat(sh(a1, "ip neigh show " + a0.ip()).stdout()).as("a1 resolved alpha's a0, not beta's b1 on its own node")
                .contains(a0.spec().nics().get(0).mac());
        assertThat(sh(a0, "cat /sys/class/net/eth0/mtu").stdout().strip()).isEqualTo("1450");
    }

    @Test
    @Order(2)
    void anotherTenantOnTheSameSubnetCannotReachThem() {
        assertThat(b1.ip()).isEqualTo(a0.ip());
        assertThat(ping(b1, a1.ip())).as("beta's b1 -> alpha's a1 on the same node").isFalse();
        assertThat(ping(b1, a2.ip())).as("beta's b1 -> alpha's a2 on another node").isFalse();
        assertThat(ping(a2, b1.ip())).as("alpha's a2 -> the address b1 has: alpha's own a0 answers").isTrue();
        assertThat(sh(a2, "ip neigh show " + b1.ip()).stdout()).contains(a0.spec().nics().get(0).mac());
    }

    @Test
    @Order(3)
    void natReachesTheOutsideAndFabricAddressesAreNotReachableFromOutside() {
        assertThat(ping(a0, lab.outsideIp())).as("a0 -> a host outside, through the node's NAT").isTrue();
        assertThat(ping(b1, lab.outsideIp())).as("beta's b1 -> outside").isTrue();
        assertThat(lab.ping(lab.outsideNetns(), a0.ip())).as("outside -> a fabric address").isFalse();
        assertThat(lab.ping(lab.underlayNetns(0), a0.ip())).as("node 0's host -> a fabric address on it").isFalse();
    }

    @Test
    @Order(4)
    void anExternalAddressIsReachableFromTheHostOnlyWhereAZoneHasOne() {
        String external = e2.spec().nics().get(1).ip();
        assertThat(e2.ip()).as("the primary NIC's address is the zone's").isEqualTo(external);
        assertThat(lab.ping(lab.underlayNetns(2), external)).as("node 2's host -> e2's external address").isTrue();
        assertThat(lab.ping(lab.underlayNetns(2), a2.ip())).as("node 2's host -> a2's fabric address").isFalse();
        assertThat(ping(e2, a0.ip())).as("e2 on its fabric NIC -> a0 on node 0").isTrue();
    }

    @Test
    @Order(5)
    void aFirewallChangeInTheViewIsEnforcedWithinASecondAndOlderViewsAreIgnored() {
        assertThat(ping(a0, a1.ip())).isTrue();
        long t0 = System.nanoTime();
        publishAlpha(List.of(new MachineFirewall(a1.uuid(), true, List.of())));
        await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(50))
                .until(() -> nodes.get(1).backend.network().firewallRules(a1.uuid()).contains("policy drop"));
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertThat(ping(a0, a1.ip())).as("a0 -> a1 with a1's firewall on (enforced %d ms after the view)", ms).isFalse();
        assertThat(ping(a1, a0.ip())).as("a1's outbound stays allowed").isTrue();

        // a stale view (lower generation) changes nothing
        long watched = nodes.get(1).watcher.applied();
        writeView(new TenantNetView(alpha, 1, alphaPlacements(), List.of(), Instant.now()));
        await().atMost(Duration.ofSeconds(2)).until(() -> nodes.get(1).watcher.applied() > watched);
        assertThat(ping(a0, a1.ip())).as("still blocked after a stale view").isFalse();

        publishAlpha(List.of(new MachineFirewall(a1.uuid(), true, List.of(icmpIn(true)))));
        await().atMost(Duration.ofSeconds(2)).until(() -> ping(a0, a1.ip()));
    }

    @Test
    @Order(6)
    void aRestartKeepsBlockedTrafficBlockedAndReprogramsTheOverlay() throws Exception {
        publishAlpha(List.of(new MachineFirewall(a1.uuid(), true, List.of())));
        await().atMost(Duration.ofSeconds(2)).until(() -> !ping(a0, a1.ip()));
        Node n1 = nodes.get(1);
        // a0 pings a1 every 100 ms through the whole restart
        CompletableFuture<ExecResult> pings = CompletableFuture.supplyAsync(() ->
                sh(a0, "ping -i 0.1 -w 8 " + a1.ip() + " | grep -c 'bytes from' || true", Duration.ofSeconds(20)));
        Thread.sleep(300);
        n1.restart(() -> {
            // the node's namespaces go too: the agent makes them again from the zones' records and the views
            Cmd.check("ip", "netns", "del", "gantry-" + n1.name);
            Cmd.check("ip", "netns", "del", "gantry-" + n1.name + ".f" + alphaNet.vni());
        });
        await().atMost(Duration.ofSeconds(5)).until(() -> ping(a1, a0.ip()));
        assertThat(ping(a1, a2.ip())).as("a1's overlay entries are programmed again").isTrue();
        assertThat(ping(a0, a1.ip())).as("a1 stays firewalled").isFalse();
        assertThat(pings.get(30, TimeUnit.SECONDS).stdout().strip()).as("echo replies from a1 during its node's restart").isEqualTo("0");
        assertThat(ping(b1, lab.outsideIp())).as("beta's NAT on the restarted node").isTrue();
        publishAlpha(List.of());
        await().atMost(Duration.ofSeconds(2)).until(() -> ping(a0, a1.ip()));
    }

    @Test
    @Order(7)
    void updateNicsAddsAndRemovesANicOnARunningZone() {
        TestNics.Fabric gamma = TestNics.fabric(false);
        Node n0 = nodes.get(0);
        Nic second = new Nic(TestNics.randomMac(), "10.123.0.7", gamma.id(), NetworkKind.FABRIC, "10.123.0.0/24", "10.123.0.1",
                gamma.vni(), 1450, false, false);
        ZoneSpec two = specs.get(a0.uuid()).withNics(List.of(a0.spec().nics().get(0), second));
        Zone updated = n0.backend.updateNics(two);
        assertThat(updated.state()).isEqualTo(ZoneState.RUNNING);
        assertThat(sh(a0, "ip -4 addr show eth1").stdout()).contains("10.123.0.7/24");
        assertThat(NodeNetwork.netnsExists(n0.backend.network().fabricNetns(gamma.vni()))).isTrue();
        assertThat(ping(a0, a1.ip())).as("eth0 untouched").isTrue();

        Zone back = n0.backend.updateNics(two.withNics(List.of(a0.spec().nics().get(0))));
        assertThat(back.spec().nics()).hasSize(1);
        assertThat(sh(a0, "ip link show eth1").ok()).as("eth1 is gone").isFalse();
        assertThat(NodeNetwork.netnsExists(n0.backend.network().fabricNetns(gamma.vni())))
                .as("the network's namespace goes with its last NIC here").isFalse();
        assertThat(ping(a0, a2.ip())).isTrue();
    }

    @Test
    @Order(8)
    void destroyingANodeLeavesNoTrace() {
        Node n2 = nodes.get(2);
        String underlay = lab.underlayNetns(2);
        n2.backend.destroyNode();
        assertThat(Cmd.run("ip", "netns", "list").stdout()).doesNotContain("gantry-" + n2.name);
        // by name: the rest of a line names the peer's namespace, whose random part may hold "gn" too
        assertThat(Cmd.run("ip", "-n", underlay, "-o", "link").stdout().lines().map(l -> l.split(":\\s+")[1].split("@")[0]))
                .as("links in the underlay").noneMatch(name -> name.startsWith("gn"));
        assertThat(Cmd.run("ip", "-n", underlay, "route").stdout()).as("routes in the underlay").doesNotContain("169.254.")
                .doesNotContain(EXTERNAL_SUBNET.substring(0, EXTERNAL_SUBNET.lastIndexOf('.')));
        assertThat(Cmd.run("ip", "netns", "exec", underlay, "nft", "list", "tables").stdout()).doesNotContain("gantry");
        n2.backend = null;
    }

    private Zone create(int node, String alias, UUID account, List<Nic> nics) {
        Node n = nodes.get(node);
        ZoneSpec spec = new ZoneSpec(UUID.randomUUID(), alias, "acct-" + account.toString().substring(0, 8), n.imageId, SMALL, nics, false);
        Zone zone = n.backend.create(spec);
        assertThat(zone.state()).as("zone %s: %s", alias, zone.reason()).isEqualTo(ZoneState.RUNNING);
        placement.put(zone.uuid(), node);
        specs.put(zone.uuid(), spec);
        return zone;
    }

    private List<NicPlacement> placements(UUID account, List<Zone> zones) {
        List<NicPlacement> out = new ArrayList<>();
        for (Zone z : zones) {
            for (Nic nic : z.spec().nics()) {
                out.add(new NicPlacement(z.uuid(), nic.mac(), nic.ip(), nic.network(), nic.vni(), nodes.get(placement.get(z.uuid())).name));
            }
        }
        return out;
    }

    private List<NicPlacement> alphaPlacements() {
        return placements(alpha, List.of(a0, a1, a2, e2));
    }

    /** Alpha's next view: {@code firewalls}, and every other machine's firewall off (a view names every machine). */
    private void publishAlpha(List<MachineFirewall> firewalls) {
        alphaGeneration = Math.max(alphaGeneration, 1) + 1;
        List<MachineFirewall> all = new ArrayList<>(firewalls);
        for (Zone z : List.of(a0, a1, a2, e2)) {
            if (firewalls.stream().noneMatch(f -> f.machine().equals(z.uuid()))) {
                all.add(new MachineFirewall(z.uuid(), false, List.of()));
            }
        }
        writeView(new TenantNetView(alpha, alphaGeneration, alphaPlacements(), all, Instant.now()));
    }

    private void publish(UUID account, long generation, List<MachineFirewall> firewalls) {
        writeView(new TenantNetView(account, generation, placements(account, List.of(b1)), firewalls, Instant.now()));
    }

    private void writeView(TenantNetView view) {
        try (CuratorFramework c = zk.newClient()) {
            c.create().orSetData().creatingParentsIfNeeded().forPath(ZkPaths.netview(view.account()),
                    Json.write(view).getBytes(StandardCharsets.UTF_8));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static FirewallEntry icmpIn(boolean allow) {
        return new FirewallEntry(Direction.IN, allow, "icmp", true, List.of(), List.of(), List.of(), 0, UUID.randomUUID());
    }

    private RuncZoneBackend backendOf(Zone zone) {
        return nodes.get(placement.get(zone.uuid())).backend;
    }

    private boolean ping(Zone from, String to) {
        return sh(from, "ping -c 1 -W 1 " + to).ok();
    }

    private ExecResult sh(Zone zone, String script) {
        return sh(zone, script, Duration.ofSeconds(15));
    }

    private ExecResult sh(Zone zone, String script, Duration timeout) {
        return backendOf(zone).exec(zone.uuid(), List.of("sh", "-c", script), timeout);
    }
}
