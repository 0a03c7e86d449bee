package io.gantry.agent.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.gantry.agent.host.Cmd;
import io.gantry.agent.runc.ZoneLayout;
import io.gantry.common.GantryException;
import io.gantry.common.Package;
import io.gantry.common.ZoneSpec;
import io.gantry.common.net.Nic;
import io.gantry.testkit.OverlayLab;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The node's network without zones: names the kernel accepts, refusals of a bad underlay, and a network's namespace shared by its zones. */
class NodeNetworkTest {

    @Property
    void namesFitTheKernelsFifteenCharacters(@ForAll @IntRange(min = 1, max = 16_777_215) int vni) {
        Nic nic = TestNics.fabric(true).nic(1);
        assertThat(NodeNetwork.hostVeth(nic)).hasSizeLessThanOrEqualTo(15).startsWith("vz");
        assertThat(NodeNetwork.externalBridge(UUID.randomUUID())).hasSizeLessThanOrEqualTo(15);
        assertThat(NodeNetwork.gatewayMac(vni)).matches("0a:00:00(:[0-9a-f]{2}){3}");
        assertThat(NodeNetwork.hostAddress(NodeNetwork.ipv4("169.254.64." + (vni % 256)))).isEqualTo("169.254.64." + (vni % 256));
    }

    @Test
    void aBadUnderlayIsRefusedInOneLine() {
        assertThatThrownBy(() -> new Underlay("10.0.0.300", null, 4789)).isInstanceOf(GantryException.class)
                .hasMessage("the underlay address must be an IPv4 address; got '10.0.0.300'");
        assertThatThrownBy(() -> new Underlay("10.0.0.3", null, 70000)).hasMessage("the VXLAN port must be 1-65535; got 70000");
        assertThatThrownBy(() -> new Underlay("10.0.0.3", "../etc", 4789)).hasMessageContaining("network namespace");
    }

    @Test
    @Tag("zones")
    void aNetworksNamespaceServesEveryZoneOnItAndGoesWithTheLastAndASmallUnderlayIsRefused() {
        OverlayLab.whyUnavailable().ifPresent(why -> assumeTrue(false, why));
        try (OverlayLab lab = OverlayLab.builder().nodes(2).underlayMtu(1400).start()) {
            NodeNetwork small = network(new Underlay(lab.underlayIp(0), lab.underlayNetns(0), 4789));
            NodeNetwork missing = network(new Underlay("10.254.254.254", lab.underlayNetns(1), 4789));
            TestNics.Fabric net = TestNics.fabric(false);
            ZoneLayout refused = zone();
            ZoneLayout refusedToo = zone();
            try {
                assertThatThrownBy(() -> small.attach(refused, spec(net.nic(1))))
                        .hasMessage("the underlay interface ul0 has MTU 1400, too small to carry a network of MTU 1450 over VXLAN (needs 1500)");
                assertThatThrownBy(() -> missing.attach(refusedToo, spec(net.nic(1))))
                        .hasMessageStartingWith("the underlay address 10.254.254.254 is on no interface of network namespace");

                Nic mtu1350 = new Nic(TestNics.randomMac(), "192.168.128.20", net.id(), net.nic(1).kind(), TestNics.FABRIC_SUBNET,
                        TestNics.FABRIC_GATEWAY, net.vni(), 1350, false, true);
                Nic other = new Nic(TestNics.randomMac(), "192.168.128.21", net.id(), mtu1350.kind(), TestNics.FABRIC_SUBNET,
                        TestNics.FABRIC_GATEWAY, net.vni(), 1350, false, true);
                ZoneLayout first = zone();
                ZoneLayout second = zone();
                small.attach(first, spec(mtu1350));
                small.attach(second, spec(other));
                String ns = small.fabricNetns(net.vni());
                assertThat(Cmd.run("ip", "-n", ns, "-o", "link", "show", "master", "br0").stdout().lines().count())
                        .as("one bridge for both zones: their two ports and the VXLAN device").isEqualTo(3);
                assertThat(Cmd.run("ip", "netns", "exec", first.netns(), "/bin/busybox", "ping", "-c", "1", "-W", "1", other.ip()).ok())
                        .as("zone to zone on the node").isTrue();
                small.detach(first, List.of(mtu1350));
                assertThat(NodeNetwork.netnsExists(ns)).as("still used by the second zone").isTrue();
                small.detach(second, List.of(other));
                assertThat(NodeNetwork.netnsExists(ns)).as("gone with the last zone").isFalse();
            } finally {
                small.detach(refused, List.of()); // as the backend does with a zone whose create failed
                missing.detach(refusedToo, List.of());
                small.destroy();
                missing.destroy();
            }
        }
    }

    @Test
    @Tag("zones")
    void aZonesPortLeftOnTheNodeByAnEarlierCopyIsReplacedWhenTheZoneComesBack() {
        OverlayLab.whyUnavailable().ifPresent(why -> assumeTrue(false, why));
        try (OverlayLab lab = OverlayLab.builder().nodes(1).start()) {
            NodeNetwork node = network(new Underlay(lab.underlayIp(0), lab.underlayNetns(0), 4789));
            TestNics.Fabric net = TestNics.fabric(false);
            Nic neighbour = net.nic(1);
            Nic returning = new Nic(TestNics.randomMac(), "192.168.128.30", net.id(), neighbour.kind(), TestNics.FABRIC_SUBNET,
                    TestNics.FABRIC_GATEWAY, net.vni(), neighbour.mtu(), false, true);
            ZoneLayout first = zone();
            ZoneLayout back = zone();
            try {
                node.attach(first, spec(neighbour));
                String ns = node.fabricNetns(net.vni());
                // what an earlier copy of the zone leaves while the kernel has not yet freed its namespace: a veth of that name
                Cmd.check("ip", "-n", ns, "link", "add", NodeNetwork.hostVeth(returning), "type", "veth", "peer", "name", "stale0");

                node.attach(back, spec(returning));

                assertThat(Cmd.run("ip", "-n", ns, "-o", "link", "show", "master", "br0").stdout())
                        .as("the zone's port is a veth on the bridge again").contains(NodeNetwork.hostVeth(returning) + "@");
                assertThat(Cmd.run("ip", "netns", "exec", back.netns(), "/bin/busybox", "ping", "-c", "1", "-W", "1", neighbour.ip()).ok())
                        .as("the returning zone reaches its neighbour").isTrue();
            } finally {
                node.detach(back, List.of(returning));
                node.detach(first, List.of(neighbour));
                node.destroy();
            }
        }
    }

    private static NodeNetwork network(Underlay underlay) {
        NodeNetwork n = new NodeNetwork("t" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()).substring(0, 6), underlay);
        n.ensure();
        return n;
    }

    private static ZoneLayout zone() {
        return ZoneLayout.of(Path.of("/nonexistent"), UUID.randomUUID(), "x");
    }

    private static ZoneSpec spec(Nic nic) {
        return new ZoneSpec(UUID.randomUUID(), null, "acme", "img", Package.custom(64, 100, 64, 64), List.of(nic), false);
    }
}
